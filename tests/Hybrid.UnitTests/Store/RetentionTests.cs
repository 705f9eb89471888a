using Hybrid.Edge.Store;
using Hybrid.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.UnitTests.Store;

public sealed class RetentionTests
{
    [Fact]
    public async Task Retention_NoSinkEnabled_KeepsEveryRow()
    {
        using var dir = new TempDirectory("store");
        await using var store = TestStores.Create(dir.Path);
        await TestStores.WriteAsync(store, Enumerable.Range(1, 5).Select(i => TestStores.Reading(key: $"r{i}")));

        await store.Writer.RunRetentionAsync(CancellationToken.None);

        Assert.Equal(5, TestStores.Rows(store.Path, Lane.Normal).Count);
    }

    [Fact]
    public async Task Retention_SinkFromConfiguration_HoldsRowsUntilItPasses()
    {
        using var dir = new TempDirectory("store");
        await using var store = TestStores.Create(dir.Path, o => o.Sinks = ["uplink"], sinks: "mqtt");
        await TestStores.WriteAsync(store, Enumerable.Range(1, 5).Select(i => TestStores.Reading(key: $"r{i}")));
        await store.GetSink("mqtt").AdvanceAsync(Lane.Normal, 5, CancellationToken.None);

        await store.Writer.RunRetentionAsync(CancellationToken.None);
        Assert.Equal(5, TestStores.Rows(store.Path, Lane.Normal).Count);

        await store.GetSink("uplink").AdvanceAsync(Lane.Normal, 3, CancellationToken.None);
        await store.Writer.RunRetentionAsync(CancellationToken.None);
        Assert.Equal([4L, 5], TestStores.Rows(store.Path, Lane.Normal).Select(r => r.Seq));
        Assert.Equal(0, store.Counters.TotalDropped);
        Assert.Equal(["mqtt", "uplink"], store.EnabledSinks);
    }

    [Fact]
    public async Task Capacity_DropOldest_KeepsNewestRowsAndCountsUndeliveredDrops()
    {
        using var dir = new TempDirectory("store");
        await using var store = TestStores.Create(dir.Path, o => (o.MaxRows, o.CommitMaxReadings) = (1000, 100), sinks: "uplink");
        await TestStores.WriteAsync(store, Enumerable.Range(1, 1000).Select(i => TestStores.Reading(key: $"r{i}")));
        await store.GetSink("uplink").AdvanceAsync(Lane.Normal, 100, CancellationToken.None);

        await TestStores.WriteAsync(store, Enumerable.Range(1001, 250).Select(i => TestStores.Reading(key: $"r{i}")));

        var rows = TestStores.Rows(store.Path, Lane.Normal);
        Assert.Equal(1000, rows.Count);
        Assert.Equal("r251", rows[0].Key);
        Assert.Equal("r1250", rows[^1].Key);

        // 250 rows evicted, of which the sink had already delivered 100: 150 were lost to it.
        Assert.Equal(150, store.Counters.Dropped(DropReason.Capacity));
        Assert.Equal(1000, store.GetLane(Lane.Normal).Rows);
        Assert.Equal(251, store.GetLane(Lane.Normal).FirstSeq);
    }

    [Fact]
    public async Task Capacity_RejectNew_KeepsOldestRowsAndCountsRejected()
    {
        using var dir = new TempDirectory("store");
        await using var store = TestStores.Create(dir.Path, o => (o.MaxRows, o.CapacityPolicy) = (1000, "reject-new"));

        foreach (var i in Enumerable.Range(1, 1200))
        {
            store.Writer.TryWrite(TestStores.Reading(key: $"r{i}"));
        }

        await store.Writer.FlushAsync(CancellationToken.None);

        var rows = TestStores.Rows(store.Path, Lane.Normal);
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => $"r{i}"), rows.Select(r => r.Key));
        Assert.Equal(200, store.Counters.Dropped(DropReason.Capacity));
        Assert.Equal(1000, store.GetLane(Lane.Normal).HeadSeq);
    }

    [Fact]
    public async Task Capacity_RejectNew_HighReadingStillGetsInByEvictingTheOldestNormal()
    {
        using var dir = new TempDirectory("store");
        await using var store = TestStores.Create(dir.Path, o => (o.MaxRows, o.CapacityPolicy) = (1000, "reject-new"));
        await TestStores.WriteAsync(store, Enumerable.Range(1, 1000).Select(i => TestStores.Reading(key: $"r{i}")));

        await TestStores.WriteAsync(store, [TestStores.Reading("alert.smoke", key: "h1"), TestStores.Reading(key: "late")]);

        Assert.Equal(["h1"], TestStores.Rows(store.Path, Lane.High).Select(r => r.Key));
        var normal = TestStores.Rows(store.Path, Lane.Normal);
        Assert.Equal(999, normal.Count);
        Assert.Equal("r2", normal[0].Key);
        Assert.DoesNotContain(normal, r => r.Key == "late");
        Assert.Equal(2, store.Counters.Dropped(DropReason.Capacity));
    }

    [Fact]
    public async Task Capacity_DropOldest_TakesNormalBeforeHigh()
    {
        using var dir = new TempDirectory("store");
        await using var store = TestStores.Create(dir.Path, o => o.MaxRows = 1000);
        await TestStores.WriteAsync(store, Enumerable.Range(1, 10).Select(i => TestStores.Reading("alert.x", key: $"h{i}")));
        await TestStores.WriteAsync(store, Enumerable.Range(1, 1200).Select(i => TestStores.Reading(key: $"n{i}")));

        Assert.Equal(10, TestStores.Rows(store.Path, Lane.High).Count);
        Assert.Equal(990, TestStores.Rows(store.Path, Lane.Normal).Count);
        Assert.Equal(210, store.Counters.Dropped(DropReason.Capacity));
    }

    [Fact]
    public async Task Capacity_ByBytes_EvictsUntilUnderMaxBytes()
    {
        using var dir = new TempDirectory("store");
        const int payload = 1000;
        var rowBytes = StoreSchema.RowBytes("telemetry.temperature", "test", "r1000", payload);
        await using var store = TestStores.Create(dir.Path, o => o.MaxBytes = 1 << 20);

        await TestStores.WriteAsync(store, Enumerable.Range(1000, 2000).Select(i => TestStores.Reading(key: $"r{i}", payloadBytes: payload)));

        var expectedRows = (1 << 20) / rowBytes;
        Assert.Equal(expectedRows, TestStores.Rows(store.Path, Lane.Normal).Count);
        Assert.True(store.GetLane(Lane.Normal).Bytes <= 1 << 20);
        Assert.Equal(2000 - expectedRows, store.Counters.Dropped(DropReason.Capacity));
    }

    [Fact]
    public async Task Ttl_DeletesExpiredReadingsAndCountsUndeliveredOnes()
    {
        using var dir = new TempDirectory("store");
        var time = new FakeTimeProvider(TestStores.Epoch0);
        await using var store = TestStores.Create(dir.Path, o => o.Ttl = TimeSpan.FromHours(1), time, sinks: "uplink");
        await TestStores.WriteAsync(store, Enumerable.Range(0, 6).Select(i => TestStores.Reading(key: $"r{i}", ts: TestStores.Epoch0.AddMinutes(i * 10))));
        await store.GetSink("uplink").AdvanceAsync(Lane.Normal, 1, CancellationToken.None);

        // At 10:55, readings from before 09:55 are expired: none yet.
        time.Advance(TimeSpan.FromMinutes(55));
        await store.Writer.RunRetentionAsync(CancellationToken.None);
        Assert.Equal(5, TestStores.Rows(store.Path, Lane.Normal).Count);

        // At 11:25 the 10:00, 10:10 and 10:20 readings are older than an hour; the sink had delivered only the first.
        time.Advance(TimeSpan.FromMinutes(30));
        await store.Writer.RunRetentionAsync(CancellationToken.None);
        Assert.Equal(["r3", "r4", "r5"], TestStores.Rows(store.Path, Lane.Normal).Select(r => r.Key));
        Assert.Equal(2, store.Counters.Dropped(DropReason.Ttl));
    }

    [Fact]
    public async Task Ttl_RunsOnTheRetentionTimer()
    {
        using var dir = new TempDirectory("store");
        var time = new FakeTimeProvider(TestStores.Epoch0);
        await using var store = TestStores.Create(dir.Path, o => (o.Ttl, o.RetentionInterval) = (TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1)), time);
        await TestStores.WriteAsync(store, [TestStores.Reading(key: "old", ts: TestStores.Epoch0)]);

        time.Advance(TimeSpan.FromMinutes(6));

        await Eventually.UntilAsync(() => store.Counters.Dropped(DropReason.Ttl) >= 1, TimeSpan.FromSeconds(10), () => "the retention timer did not run");
        Assert.Equal(1, store.Counters.Dropped(DropReason.Ttl));
        Assert.Empty(TestStores.Rows(store.Path, Lane.Normal));
    }

    [Theory]
    [InlineData("drop-oldest")]
    [InlineData("reject-new")]
    public async Task DiskFloor_Below_NormalStopsGrowingWhileHighIsKept(string policy)
    {
        using var dir = new TempDirectory("store");

        // No real disk has an exabyte free: the floor is always undercut.
        await using var store = TestStores.Create(dir.Path, o => (o.MinFreeDiskBytes, o.CapacityPolicy) = (1L << 60, policy));
        await TestStores.WriteAsync(store, Enumerable.Range(1, 5).Select(i => TestStores.Reading(key: $"old{i}")));
        await store.Writer.RunRetentionAsync(CancellationToken.None);
        Assert.True(store.Writer.BelowDiskFloor);

        await TestStores.WriteAsync(store, [TestStores.Reading(key: "new1"), TestStores.Reading("alert.x", key: "h1"), TestStores.Reading(key: "new2")]);

        Assert.Equal(["h1"], TestStores.Rows(store.Path, Lane.High).Select(r => r.Key));
        var expected = policy == "drop-oldest" ? ["old3", "old4", "old5", "new1", "new2"] : new[] { "old1", "old2", "old3", "old4", "old5" };
        Assert.Equal(expected, TestStores.Rows(store.Path, Lane.Normal).Select(r => r.Key));
        Assert.Equal(2, store.Counters.Dropped(DropReason.DiskFloor));
    }
}
