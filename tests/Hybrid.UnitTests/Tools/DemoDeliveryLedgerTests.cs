using Hybrid.Demo.Watch;
using Hybrid.QueueReader.Messages;

namespace Hybrid.UnitTests.Tools;

public sealed class DemoDeliveryLedgerTests
{
    private static readonly string[] Queues = ["telemetry", "alerts"];

    [Fact]
    public void Record_SameMessageReadAgainAfterAFailedDelete_IsNotADuplicate()
    {
        var ledger = new DeliveryLedger(Queues);

        Assert.True(ledger.Record("telemetry", "message-1", Items(1, 4)));
        Assert.False(ledger.Record("telemetry", "message-1", Items(1, 4)));

        Assert.Equal((4L, 0L), (ledger.Arrived("telemetry"), ledger.Duplicates));
    }

    [Fact]
    public void Record_SameItemsInAnotherMessage_AreDuplicatesOfTheirFirstArrival()
    {
        var ledger = new DeliveryLedger(Queues);

        ledger.Record("telemetry", "message-1", Items(1, 4));
        ledger.Record("telemetry", "message-2", Items(3, 6));
        ledger.Record("alerts", "message-3", Items(6, 6));

        Assert.Equal((6L, 0L, 3L), (ledger.Arrived("telemetry"), ledger.Arrived("alerts"), ledger.Duplicates));
        Assert.True(ledger.Contains(new ItemKey("pi", "E", 5)));
        Assert.False(ledger.Contains(new ItemKey("pi", "E", 7)));
    }

    private static QueueItem[] Items(long from, long to) =>
        [.. Enumerable.Range((int)from, (int)(to - from + 1)).Select(seq => new QueueItem("pi", "E", seq, null, null, null, null, null, null, null))];
}
