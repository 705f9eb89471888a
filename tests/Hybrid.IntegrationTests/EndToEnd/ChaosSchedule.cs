using System.Globalization;

namespace Hybrid.IntegrationTests.EndToEnd;

/// <summary>What one chaos round does to the running pipeline.</summary>
internal enum ChaosFault
{
    /// <summary>mosquitto is killed with SIGKILL and started again on the same port.</summary>
    BrokerKilled,

    /// <summary>The ingest Function app is killed with SIGKILL and started again.</summary>
    FunctionKilled,

    /// <summary>Azurite is stopped (SIGTERM, so it saves what it acknowledged) and started again.</summary>
    AzuriteStopped,

    /// <summary>The edge agent is killed with SIGKILL and started again on the same store.</summary>
    AgentKilled,

    /// <summary>
    /// The agent restarts with a store of a few hundred rows under <c>drop-oldest</c>, the Function is killed until
    /// the uplink's backlog overflows it, then both come back and the agent restarts with its normal capacity.
    /// </summary>
    StoreNearCapacity,

    /// <summary>Not a fault: the last restart of the agent, capture off, to deliver the tail.</summary>
    FinalDrain,
}

/// <summary>One round: run steadily for <see cref="Steady"/>, then hold the fault for <see cref="Outage"/>.</summary>
internal sealed record ChaosRound(int Number, ChaosFault Fault, TimeSpan Steady, TimeSpan Outage)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"#{Number} {Fault} after {Steady.TotalSeconds:0.0} s steady, outage {Outage.TotalSeconds:0.0} s");
}

/// <summary>
/// The seeded order of faults: each cycle runs every restart fault once in a shuffled order; the capacity round is
/// put at a seeded place in the last cycle. The same seed gives the same schedule.
/// </summary>
internal static class ChaosSchedule
{
    /// <summary>Environment variable that overrides <see cref="DefaultSeed"/>.</summary>
    public const string SeedVariable = "HYBRID_CHAOS_SEED";

    public const int DefaultSeed = 14;

    private static readonly ChaosFault[] RestartFaults = [ChaosFault.BrokerKilled, ChaosFault.FunctionKilled, ChaosFault.AzuriteStopped, ChaosFault.AgentKilled];

    /// <summary>The seed from <see cref="SeedVariable"/>, else <see cref="DefaultSeed"/>.</summary>
    public static int Seed() =>
        int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : DefaultSeed;

    public static IReadOnlyList<ChaosRound> Create(int seed, int cycles)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cycles, 1);
        var random = new Random(seed);
        var faults = new List<ChaosFault>();
        for (var cycle = 0; cycle < cycles; cycle++)
        {
            var order = RestartFaults.ToArray();
            random.Shuffle(order);
            faults.AddRange(order);
        }

        faults.Insert(faults.Count - random.Next(RestartFaults.Length + 1), ChaosFault.StoreNearCapacity);
        return [.. faults.Select((fault, i) => new ChaosRound(i + 1, fault, Tenths(random, 5, 15), Tenths(random, 15, 30)))];
    }

    /// <summary>A whole number of tenths of a second in [<paramref name="min"/>, <paramref name="max"/>] tenths.</summary>
    private static TimeSpan Tenths(Random random, int min, int max) => TimeSpan.FromSeconds(random.Next(min, max + 1) / 10.0);
}
