namespace Hybrid.Edge.Sinks;

/// <summary>What became of one retried dead letter.</summary>
/// <param name="Settled">False when the sink cannot try now (e.g. the uplink is held): it stays marked for the next poll.</param>
/// <param name="Refusal">The far side's reason when it refused the reading again; null when delivered.</param>
internal readonly record struct RetryOutcome(bool Settled, string? Refusal)
{
    public static RetryOutcome Delivered => new(true, null);

    public static RetryOutcome NotNow => new(false, null);

    public static RetryOutcome Refused(string reason) => new(true, reason);
}
