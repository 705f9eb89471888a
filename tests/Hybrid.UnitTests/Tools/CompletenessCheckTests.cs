using Hybrid.Demo.Watch;
using Hybrid.QueueReader.Messages;

namespace Hybrid.UnitTests.Tools;

public sealed class CompletenessCheckTests
{
    private static readonly string[] Queues = ["telemetry", "alerts"];

    [Fact]
    public void Summary_EverySeqUpToTheCutArrivedOnce_SaysMissing0AndCountsOnlyUpToTheCut()
    {
        var ledger = Ledger(("telemetry", "N", 1, 20), ("alerts", "H", 1, 3));
        var check = new CompletenessCheck("pi", Cut(normalHead: 18, highHead: 3), ledger);

        Assert.Equal(0, check.Missing());
        Assert.Equal("summary: captured 21, delivered telemetry 18, alerts 3, duplicates 0, dropped 0, missing 0", check.Summary(Queues, interrupted: false));
    }

    [Fact]
    public void Missing_AGapAndADuplicate_CountsTheGapAndReportsTheDuplicate()
    {
        var ledger = Ledger(("telemetry", "N", 1, 6), ("telemetry", "N", 8, 10), ("telemetry", "N", 3, 3), ("alerts", "H", 1, 2));
        var check = new CompletenessCheck("pi", Cut(normalHead: 10, highHead: 2), ledger);

        Assert.Equal(1, check.Missing());
        Assert.Equal("summary: captured 12, delivered telemetry 9, alerts 2, duplicates 1, dropped 0, missing 1", check.Summary(Queues, interrupted: false));
        Assert.EndsWith("in flight 1 (interrupted: they wait in the store)", check.Summary(Queues, interrupted: true), StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_SeqsTheStoreDroppedByPolicy_AreCountedAsDroppedNotMissing()
    {
        var ledger = Ledger(("telemetry", "N", 6, 10));
        var check = new CompletenessCheck("pi", Cut(normalHead: 10, highHead: 0, capacityDrops: 5), ledger);

        Assert.Equal((5L, 0L), (check.Unseen(), check.Missing()));
    }

    private static AgentSnapshot Cut(long normalHead, long highHead, long capacityDrops = 0) => new(
        [new LaneSnapshot("high", "H", highHead), new LaneSnapshot("normal", "N", normalHead)],
        [],
        capacityDrops,
        0,
        "connected",
        0,
        new UplinkSnapshot("closed", null, null, 0, 0, 0, 0));

    private static DeliveryLedger Ledger(params (string Queue, string Epoch, long From, long To)[] ranges)
    {
        var ledger = new DeliveryLedger(Queues);
        foreach (var (queue, epoch, from, to) in ranges)
        {
            for (var seq = from; seq <= to; seq++)
            {
                ledger.Record(queue, $"{queue}-{epoch}-{seq}-{Guid.NewGuid()}", [new QueueItem("pi", epoch, seq, null, null, null, null, null, null, null)]);
            }
        }

        return ledger;
    }
}
