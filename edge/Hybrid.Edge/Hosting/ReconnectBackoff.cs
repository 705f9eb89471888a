namespace Hybrid.Edge.Hosting;

/// <summary>
/// Exponential backoff with jitter: attempt n waits a random delay in [½·d, d] with d = min(max, min·2^(n-1)).
/// The jitter spreads a fleet's reconnects after a broker restart; the upper bound never exceeds <c>max</c>.
/// </summary>
internal sealed class ReconnectBackoff(TimeSpan min, TimeSpan max, Random random)
{
    public TimeSpan Min { get; } = min;

    public TimeSpan Max { get; } = max;

    /// <summary>The delay before attempt <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan DelayFor(int attempt)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ceiling = Math.Min(Max.Ticks, Min.Ticks * Math.Pow(2, exponent));
        var delay = ceiling * (0.5 + (random.NextDouble() * 0.5));
        return TimeSpan.FromTicks((long)Math.Max(delay, Min.Ticks / 2.0));
    }
}
