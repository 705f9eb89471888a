using Hybrid.Contracts;

namespace Hybrid.Functions.Ingest;

/// <summary>Settings of <c>POST /api/ingest</c>, section <c>Hybrid:Ingest</c> (environment: <c>Hybrid__Ingest__*</c>).</summary>
internal sealed class IngestOptions
{
    public const string SectionName = "Hybrid:Ingest";

    /// <summary>
    /// The key clients send in <c>x-functions-key</c> or <c>?code=</c>. Required while <see cref="RequireFunctionKey"/>
    /// is true (the default), so an app started without a key fails at start instead of accepting anyone.
    /// </summary>
    public string FunctionKey { get; set; } = "";

    /// <summary>
    /// False only when something in front of the app already checks keys (the Functions host with
    /// <c>authLevel: function</c>); then an empty <see cref="FunctionKey"/> means "no check here".
    /// A non-empty key is always checked.
    /// </summary>
    public bool RequireFunctionKey { get; set; } = true;

    /// <summary>Largest request body as sent (compressed when gzip), in bytes.</summary>
    public int MaxBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest body after gzip decompression, in bytes (the gzip-bomb guard).</summary>
    public int MaxDecompressedBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Largest number of items in one batch.</summary>
    public int MaxItems { get; set; } = WireRules.MaxBatchItems;

    /// <summary>Items whose <c>ts</c> is older than now minus this are rejected.</summary>
    public TimeSpan MaxTimestampAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Items whose <c>ts</c> is later than now plus this are rejected (edge clock ahead).</summary>
    public TimeSpan MaxTimestampLead { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a claim on a watermark range stays live. A request stops enqueuing at 80 % of it, so a claim is only
    /// taken over once its owner has given up; a crashed owner blocks its device for at most this long.
    /// </summary>
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary><c>Retry-After</c> sent with 409 when another request holds the claim for the same device and epoch.</summary>
    public TimeSpan ConflictRetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary><c>Retry-After</c> sent with 503 when storage cannot be reached.</summary>
    public TimeSpan UnavailableRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Queue messages sent at once per request.</summary>
    public int MaxParallelSends { get; set; } = 16;

    /// <summary>
    /// Delivered seq ranges kept above a device's watermark for batches that arrive out of order. One more closes the
    /// oldest gap (logged and counted): a seq from it arriving later is refused as late.
    /// </summary>
    public int MaxDeliveredRanges { get; set; } = 64;

    /// <summary>Closed gaps remembered per device and epoch, so a late seq in one is refused as late rather than called a duplicate.</summary>
    public int MaxClosedGaps { get; set; } = 64;

    /// <summary>
    /// How long a request waits for another request of the same device and epoch to finish before it is answered 409
    /// with <c>Retry-After</c>: for its turn in this instance, and then for another instance's live claim (re-reading
    /// the entity at growing intervals).
    /// </summary>
    public TimeSpan DeviceWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a batch's seqs, once enqueued and answered, may wait in this instance's memory to be recorded in the
    /// Table together with the device's next claim: a device sending back to back then costs one Table write per
    /// batch instead of two. When no batch of the device follows within this delay they are recorded on their own.
    /// Until then the device's claim stays live, so an instance crash in that window blocks the device until the claim
    /// expires. <see cref="TimeSpan.Zero"/> records before answering.
    /// </summary>
    public TimeSpan RecordDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Watermarks remembered in memory (a fast path for pure duplicates only; never trusted to enqueue).</summary>
    public int WatermarkCacheSize { get; set; } = 100_000;
}
