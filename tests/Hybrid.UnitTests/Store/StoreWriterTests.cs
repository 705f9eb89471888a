using System.Text;
using Hybrid.Contracts;
using Hybrid.Edge.Store;
using Hybrid.Testing;

namespace Hybrid.UnitTests.Store;

public sealed class StoreWriterTests
{
    [Fact]
    public async Task Write_ManyReadings_GetConsecutiveSeqsInWriteOrder()
    {
        using var dir = new TempDirectory("store");
        await using var store = TestStores.Create(dir.Path, o => o.CommitMaxReadings = 7);

        await TestStores.WriteAsync(store, Enumerable.Range(1, 50).Select(i => TestStores.Reading(key: $"r{i}")));

        var rows = TestStores.Rows(store.Path, Lane.Normal);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => ((long)i, (string?)$"r{i}")), rows);
        Assert.Equal(50, store.GetLane(Lane.Normal).HeadSeq);
        Assert.Equal(50, store.Counters.Written);
        Assert.True(store.Counters.Commits >= 8, $"groups of at most 7 need at least 8 commits, saw {store.Counters.Commits}");
    }

    [Fact]
    public async Task Write_StoredReadingRoundTripsEveryField()
    {
        using var dir = new TempDirectory("store");
        await using var store = TestStores.Create(dir.Path, sinks: "uplink");
        var ts = new DateTimeOffset(2026, 11, 22, 10, 30, 45, 123, TimeSpan.Zero);
        var payload = Encoding.UTF8.GetBytes("{\"value\":21.4,\"unit\":\"C\"}");

        await TestStores.WriteAsync(store, [new CaptureReading("telemetry.temperature", ts, "simulated", null, payload)]);

        var read = Assert.Single(await store.GetSink("uplink").ReadAsync(Lane.Normal, 0, 10, 1 << 20, CancellationToken.None));
        Assert.Equal((Lane.Normal, 1L, "telemetry.temperature", ts, "simulated", (string?)null), (read.Lane, read.Seq, read.Type, read.Ts, read.Source, read.Key));
        Assert.Equal(payload, read.PayloadJson.ToArray());
    }

    [Fact]
    public async Task Write_AlertTypes_GoToHighLaneWithItsOwnSeqAndEpoch()
    {
        using var dir = new TempDirectory("store");
        await using var store = TestStores.Create(dir.Path);

        await TestStores.WriteAsync(store, [
            TestStores.Reading("telemetry.a", "n1"), TestStores.Reading("alert.smoke", "h1"),
            TestStores.Reading("telemetry.b", "n2"), TestStores.Reading("alert.door.open", "h2")]);

        Assert.Equal([(1L, (string?)"h1"), (2L, "h2")], TestStores.Rows(store.Path, Lane.High));
        Assert.Equal([(1L, (string?)"n1"), (2L, "n2")], TestStores.Rows(store.Path, Lane.Normal));
        var sink = store.GetSink("mqtt");
        Assert.True(EpochId.IsValid(sink.GetEpoch(Lane.High)));
        Assert.True(EpochId.IsValid(sink.GetEpoch(Lane.Normal)));
        Assert.NotEqual(sink.GetEpoch(Lane.High), sink.GetEpoch(Lane.Normal));
        Assert.Equal("pi-test", sink.DeviceId);
    }

    [Fact]
    public async Task Write_ConfiguredHighPatterns_ReplaceTheDefault()
    {
        using var dir = new TempDirectory("store");
        await using var store = TestStores.Create(dir.Path, o => o.HighLanePatterns = ["*.critical", "door"]);

        await TestStores.WriteAsync(store, [TestStores.Reading("alert.smoke", "a"), TestStores.Reading("power.critical", "b"), TestStores.Reading("door", "c")]);

        Assert.Equal(["b", "c"], TestStores.Rows(store.Path, Lane.High).Select(r => r.Key));
        Assert.Equal(["a"], TestStores.Rows(store.Path, Lane.Normal).Select(r => r.Key));
    }

    [Fact]
    public async Task Reopen_AfterEveryRowWasDeleted_ContinuesSeqAndKeepsEpochs()
    {
        using var dir = new TempDirectory("store");
        string epochNormal, epochHigh;
        await using (var store = TestStores.Create(dir.Path, sinks: "uplink"))
        {
            await TestStores.WriteAsync(store, Enumerable.Range(1, 5).Select(i => TestStores.Reading(key: $"a{i}")));
            var sink = store.GetSink("uplink");
            await sink.AdvanceAsync(Lane.Normal, 5, CancellationToken.None);
            await store.Writer.RunRetentionAsync(CancellationToken.None);
            Assert.Empty(TestStores.Rows(store.Path, Lane.Normal));
            (epochHigh, epochNormal) = (sink.GetEpoch(Lane.High), sink.GetEpoch(Lane.Normal));
        }

        await using (var store = TestStores.Create(dir.Path, sinks: "uplink"))
        {
            await TestStores.WriteAsync(store, [TestStores.Reading(key: "b1")]);

            Assert.Equal([(6L, (string?)"b1")], TestStores.Rows(store.Path, Lane.Normal));
            var sink = store.GetSink("uplink");
            Assert.Equal(5, sink.GetCursor(Lane.Normal));
            Assert.Equal((epochHigh, epochNormal), (sink.GetEpoch(Lane.High), sink.GetEpoch(Lane.Normal)));
        }
    }

    [Fact]
    public async Task TryWrite_ChannelFull_ReturnsFalseAndCountsTheDrop()
    {
        using var dir = new TempDirectory("store");
        await using var store = TestStores.CreateClosed(dir.Path, o => (o.ChannelCapacity, o.CommitMaxReadings) = (16, 16));

        // The writer is not started, so nothing drains the channel.
        var accepted = Enumerable.Range(0, 20).Count(i => store.Writer.TryWrite(TestStores.Reading(key: $"r{i}")));

        Assert.Equal(16, accepted);
        Assert.Equal(4, store.Counters.Dropped(DropReason.ChannelFull));
        store.Open();
        store.StartWriter();
        await store.Writer.FlushAsync(CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => $"r{i}"), TestStores.Rows(store.Path, Lane.Normal).Select(r => r.Key));
    }

    [Fact]
    public async Task Dispose_CommitsWhatWasQueued()
    {
        using var dir = new TempDirectory("store");
        var store = TestStores.Create(dir.Path, o => o.CommitInterval = TimeSpan.FromSeconds(30));
        var path = store.Path;
        for (var i = 0; i < 10; i++)
        {
            Assert.True(store.Writer.TryWrite(TestStores.Reading(key: $"r{i}")));
        }

        // Let the writer take them and start lingering for the 30 s commit interval: disposal must cut it short.
        await Eventually.UntilAsync(() => store.Writer.QueuedReadings == 0, TimeSpan.FromSeconds(10), () => $"{store.Writer.QueuedReadings} still queued");
        Assert.Empty(TestStores.Rows(path, Lane.Normal));
        await store.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(10, TestStores.Rows(path, Lane.Normal).Count);
    }
}
