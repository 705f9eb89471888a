namespace Hybrid.Functions.Ingest;

/// <summary>
/// Durable dedupe state per <c>(device, epoch)</c>: one Azure Table entity updated with ETag optimistic concurrency,
/// so any number of Function instances agree.
/// </summary>
internal interface IWatermarkStore
{
    /// <summary>The current state and its ETag, or null when no entity exists yet.</summary>
    Task<WatermarkEntry?> GetAsync(string device, string epoch, CancellationToken cancellationToken);

    /// <summary>Creates the entity; <see cref="WriteOutcome.Conflict"/> when another instance created it first.</summary>
    Task<WriteResult> TryInsertAsync(string device, string epoch, WatermarkState state, CancellationToken cancellationToken);

    /// <summary>Replaces the entity if its ETag is still <paramref name="etag"/>; <see cref="WriteOutcome.PreconditionFailed"/> otherwise.</summary>
    Task<WriteResult> TryReplaceAsync(string device, string epoch, WatermarkState state, string etag, CancellationToken cancellationToken);
}

/// <summary>
/// Dedupe state: <paramref name="Watermark"/> is the highest seq already fanned out. A pending claim
/// (<paramref name="ClaimId"/>, <paramref name="ClaimThrough"/>, <paramref name="ClaimExpires"/>) reserves the range
/// above it for one request while that request enqueues; a claim past its expiry may be taken over.
/// </summary>
internal sealed record WatermarkState(long Watermark, string? ClaimId, long ClaimThrough, DateTimeOffset? ClaimExpires);

/// <summary>A state read from storage with the ETag to make a conditional write against.</summary>
internal sealed record WatermarkEntry(WatermarkState State, string ETag);

/// <summary>Outcome of a conditional write; expected races are values, not exceptions.</summary>
internal enum WriteOutcome
{
    Success,
    Conflict,
    PreconditionFailed,
}

/// <summary>A conditional write's outcome and, on success, the entity's new ETag.</summary>
internal readonly record struct WriteResult(WriteOutcome Outcome, string? ETag);
