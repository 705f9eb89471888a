namespace Hybrid.Edge.Uplink;

/// <summary>Cloud uplink settings, section <c>Hybrid:Uplink</c> (environment: <c>Hybrid__Uplink__*</c>).</summary>
internal sealed class UplinkOptions
{
    public const string SectionName = "Hybrid:Uplink";

    /// <summary>Whether the uplink forwards readings to the ingest Function. Off until <see cref="Url"/> is set.</summary>
    public bool Enabled { get; set; }

    /// <summary>The full ingest URL, e.g. <c>https://my-app.azurewebsites.net/api/ingest</c>.</summary>
    public string Url { get; set; } = "";

    /// <summary>The function key, sent as <c>x-functions-key</c>; never logged. Prefer <c>Hybrid__Uplink__FunctionKey</c>.</summary>
    public string FunctionKey { get; set; } = "";

    /// <summary>Most readings per batch (the Function accepts at most 1000).</summary>
    public int MaxBatchItems { get; set; } = 1000;

    /// <summary>Most stored bytes per batch (before JSON and gzip); a larger single reading still goes alone.</summary>
    public int MaxBatchBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How long a partial batch of the normal lane waits for more readings before it is sent. Full batches (a
    /// backlog) and high-lane readings never wait.
    /// </summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Time limit of one POST, answer included.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First retry delay of a failed batch (doubles per attempt, with jitter).</summary>
    public TimeSpan RetryMin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap of the retry delay; also the interval at which a held uplink (wrong key or URL) tries again.</summary>
    public TimeSpan RetryMax { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest <c>Retry-After</c> the uplink honours; a larger one is cut to this.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Share of failed attempts within <see cref="BreakerSamplingDuration"/> that opens the circuit breaker.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Attempts within <see cref="BreakerSamplingDuration"/> before the breaker may open.</summary>
    public int BreakerMinimumThroughput { get; set; } = 5;

    /// <summary>Window over which the breaker counts failures.</summary>
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the open breaker refuses attempts before it lets one through (half-open).</summary>
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>On shutdown, how long the batch in flight may still take to be answered.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(20);
}
