using Hybrid.Edge.Store;
using Hybrid.Testing;

namespace Hybrid.UnitTests.Store;

/// <summary>Deleting a drained backlog goes in bounded passes, queued behind capture, until it is all gone.</summary>
public sealed class RetentionPassTests
{
    [Fact]
    public async Task Retention_LargeDeliveredPrefix_DeletedInBoundedPassesThatContinueByThemselves()
    {
        using var dir = new TempDirectory("store");
        await using var store = TestStores.Create(dir.Path, o => o.CommitMaxReadings = 5000, sinks: "uplink");
        var total = (int)LogPruner.MaxDeliveredRowsPerPass * 2 + 500;
        await TestStores.WriteAsync(store, Enumerable.Range(1, total).Select(i => TestStores.Reading(key: $"r{i}")));
        await store.GetSink("uplink").AdvanceAsync(Lane.Normal, total - 100, CancellationToken.None);

        await store.Writer.RunRetentionAsync(CancellationToken.None);

        // The first pass deleted the oldest rows; the rest follows in further passes without another timer tick.
        Assert.True(store.GetLane(Lane.Normal).FirstSeq > LogPruner.MaxDeliveredRowsPerPass, $"first seq {store.GetLane(Lane.Normal).FirstSeq}");
        await Eventually.UntilAsync(() => store.GetLane(Lane.Normal).Rows == 100, TimeSpan.FromSeconds(20), () => $"{store.GetLane(Lane.Normal).Rows} rows");
        Assert.Equal(total - 99, store.GetLane(Lane.Normal).FirstSeq);
        Assert.Equal(100, TestStores.Rows(store.Path, Lane.Normal).Count);
        Assert.Equal(0, store.Counters.TotalDropped);
    }

    [Fact]
    public async Task WaitForReadings_SinkBehindRowsAlreadyDeleted_WaitsInsteadOfSpinning()
    {
        using var dir = new TempDirectory("store");
        await using var store = TestStores.Create(dir.Path, sinks: "mqtt");
        await TestStores.WriteAsync(store, Enumerable.Range(1, 5).Select(i => TestStores.Reading(type: "alert.smoke", key: $"a{i}")));
        await store.GetSink("mqtt").AdvanceAsync(Lane.High, 5, CancellationToken.None);
        await store.Writer.RunRetentionAsync(CancellationToken.None);
        Assert.Equal(6, store.GetLane(Lane.High).FirstSeq);

        // A sink enabled now starts at cursor 0, below the first seq held: nothing there to wait for.
        var late = store.GetSink("uplink");
        var wait = late.WaitForReadingsAsync(0, 0, CancellationToken.None).AsTask();
        await Task.Delay(300);
        Assert.False(wait.IsCompleted, "a sink behind deleted rows must wait, not spin");

        await TestStores.WriteAsync(store, [TestStores.Reading(type: "alert.smoke", key: "a6")]);
        await wait.WaitAsync(TimeSpan.FromSeconds(10));
        var next = await late.ReadAsync(Lane.High, 0, 10, int.MaxValue, CancellationToken.None);
        Assert.Equal([6L], next.Select(r => r.Seq));
    }
}
