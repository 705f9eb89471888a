namespace Hybrid.Demo.Watch;

/// <summary>
/// What the demo saw at one moment: the agent's state (null while it does not answer), the queues, what happened to the
/// services so far (exits, restarts) and what the person can try next.
/// </summary>
internal sealed record DemoSample(
    TimeSpan Elapsed,
    AgentSnapshot? Agent,
    IReadOnlyDictionary<string, long> Arrived,
    long Duplicates,
    string? QueueError,
    IReadOnlyList<string> Events,
    string Hint)
{
    /// <summary>The change of <paramref name="value"/> per second since <paramref name="previous"/>.</summary>
    public double Rate(DemoSample? previous, Func<DemoSample, long?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (previous is null || value(this) is not { } now || value(previous) is not { } before)
        {
            return 0;
        }

        var seconds = (Elapsed - previous.Elapsed).TotalSeconds;
        return seconds > 0 ? (now - before) / seconds : 0;
    }

    public long? Backlog(string sink) => Agent?.Sinks.FirstOrDefault(s => s.Sink == sink)?.Backlog;

    public long DeadLetters => Agent?.Sinks.Sum(s => s.DeadLetters) ?? 0;
}
