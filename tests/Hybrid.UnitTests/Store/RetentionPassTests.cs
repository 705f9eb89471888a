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
}
