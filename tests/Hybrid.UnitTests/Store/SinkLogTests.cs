using Hybrid.Edge.Store;
using Hybrid.Testing;
using Microsoft.Data.Sqlite;

namespace Hybrid.UnitTests.Store;

public sealed class SinkLogTests
{
    [Fact]
    public async Task Read_StopsAtMaxCountAndMaxBytes_ButReturnsAtLeastOne()
    {
        using var dir = new TempDirectory("store");
        await using var store = TestStores.Create(dir.Path, sinks: "uplink");
        await TestStores.WriteAsync(store, Enumerable.Range(1, 10).Select(i => TestStores.Reading(key: $"r{i}", payloadBytes: 100)));
        var sink = store.GetSink("uplink");

        var byCount = await sink.ReadAsync(Lane.Normal, 2, 3, int.MaxValue, CancellationToken.None);
        var rowBytes = StoreSchema.RowBytes("telemetry.temperature", "test", "r1", 100);
        var byBytes = await sink.ReadAsync(Lane.Normal, 0, 100, (int)(rowBytes * 4) + 5, CancellationToken.None);
        var tiny = await sink.ReadAsync(Lane.Normal, 0, 100, 1, CancellationToken.None);
        var atHead = await sink.ReadAsync(Lane.Normal, 10, 100, int.MaxValue, CancellationToken.None);

        Assert.Equal([3L, 4, 5], byCount.Select(r => r.Seq));
        Assert.Equal([1L, 2, 3, 4], byBytes.Select(r => r.Seq));
        Assert.Equal([1L], tiny.Select(r => r.Seq));
        Assert.Empty(atHead);
    }

    [Fact]
    public async Task Advance_IsDurableMonotonicAndNeverPassesTheHead()
    {
        using var dir = new TempDirectory("store");
        await using (var store = TestStores.Create(dir.Path, sinks: "mqtt"))
        {
            await TestStores.WriteAsync(store, Enumerable.Range(1, 5).Select(i => TestStores.Reading(key: $"r{i}")));
            var sink = store.GetSink("mqtt");

            await sink.AdvanceAsync(Lane.Normal, 4, CancellationToken.None);
            await sink.AdvanceAsync(Lane.Normal, 2, CancellationToken.None);
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await sink.AdvanceAsync(Lane.Normal, 6, CancellationToken.None));
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await sink.AdvanceAsync(Lane.High, 1, CancellationToken.None));

            Assert.Equal(4, sink.GetCursor(Lane.Normal));
            Assert.Equal(0, sink.GetCursor(Lane.High));
        }

        await using (var store = TestStores.Create(dir.Path, sinks: "mqtt"))
        {
            var sink = store.GetSink("mqtt");
            Assert.Equal(4, sink.GetCursor(Lane.Normal));
            Assert.Equal([5L], (await TestStores.ReadAllAsync(sink, Lane.Normal, sink.GetCursor(Lane.Normal))).Select(r => r.Seq));
        }
    }

    [Fact]
    public async Task Cursors_AreIndependentPerSink()
    {
        using var dir = new TempDirectory("store");
        await using var store = TestStores.Create(dir.Path, sinks: ["mqtt", "uplink"]);
        await TestStores.WriteAsync(store, Enumerable.Range(1, 5).Select(i => TestStores.Reading(key: $"r{i}")));

        await store.GetSink("mqtt").AdvanceAsync(Lane.Normal, 5, CancellationToken.None);
        await store.GetSink("uplink").AdvanceAsync(Lane.Normal, 2, CancellationToken.None);
        await store.Writer.RunRetentionAsync(CancellationToken.None);

        // Retention waits for the slowest sink.
        Assert.Equal([3L, 4, 5], TestStores.Rows(store.Path, Lane.Normal).Select(r => r.Seq));
        var stats = await store.GetStatsAsync(CancellationToken.None);
        Assert.Equal([("mqtt", 0L), ("uplink", 3L)], stats.Sinks.Select(s => (s.Sink, s.Backlog)));
    }

    [Fact]
    public async Task DeadLetter_KeepsACopyOfTheReadingWithTheReason_AfterRetentionDeletedIt()
    {
        using var dir = new TempDirectory("store");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestStores.Epoch0);
        await using var store = TestStores.Create(dir.Path, time: time, sinks: "uplink");
        await TestStores.WriteAsync(store, Enumerable.Range(1, 3).Select(i => TestStores.Reading(key: $"r{i}")));
        var sink = store.GetSink("uplink");

        await sink.DeadLetterAsync(Lane.Normal, [new DeadLetterItem(2, "type rejected by the Function")], CancellationToken.None);
        await sink.AdvanceAsync(Lane.Normal, 3, CancellationToken.None);
        await store.Writer.RunRetentionAsync(CancellationToken.None);

        Assert.Empty(TestStores.Rows(store.Path, Lane.Normal));
        using var connection = new SqliteConnection($"Data Source={store.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sink, lane, seq, reason, at, key, type FROM dead_letters";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(("uplink", 1L, 2L, "type rejected by the Function", TestStores.Epoch0.ToUnixTimeMilliseconds(), "r2", "telemetry.temperature"),
            (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetInt64(4), reader.GetString(5), reader.GetString(6)));
        Assert.False(reader.Read());
        Assert.Equal(1, (await store.GetStatsAsync(CancellationToken.None)).Sinks.Single().DeadLetters);
    }

    [Fact]
    public async Task DeadLetter_SameReadingAgainAfterACrashBeforeTheAdvance_IsListedOnce()
    {
        using var dir = new TempDirectory("store");
        await using var store = TestStores.Create(dir.Path, sinks: ["uplink", "other"]);
        await TestStores.WriteAsync(store, Enumerable.Range(1, 3).Select(i => TestStores.Reading(key: $"r{i}")));
        var sink = store.GetSink("uplink");

        // The first attempt's cursor advance never happened, so the restarted sink rejects 2 again (and now 3 too).
        await sink.DeadLetterAsync(Lane.Normal, [new DeadLetterItem(2, "rejected")], CancellationToken.None);
        await sink.DeadLetterAsync(Lane.Normal, [new DeadLetterItem(2, "rejected"), new DeadLetterItem(3, "rejected")], CancellationToken.None);
        await store.GetSink("other").DeadLetterAsync(Lane.Normal, [new DeadLetterItem(2, "rejected elsewhere")], CancellationToken.None);

        using var connection = new SqliteConnection($"Data Source={store.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sink, seq FROM dead_letters ORDER BY sink, seq";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, long)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        Assert.Equal([("other", 2L), ("uplink", 2L), ("uplink", 3L)], rows);
    }

    [Fact]
    public async Task WaitForReadings_CompletesOnlyWhenALaneMovesPastTheGivenSeqs()
    {
        using var dir = new TempDirectory("store");
        await using var store = TestStores.Create(dir.Path, sinks: "mqtt");
        var sink = store.GetSink("mqtt");
        await TestStores.WriteAsync(store, [TestStores.Reading(key: "n1")]);

        await sink.WaitForReadingsAsync(0, 0, CancellationToken.None);
        var waiting = sink.WaitForReadingsAsync(0, 1, CancellationToken.None).AsTask();
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);

        await TestStores.WriteAsync(store, [TestStores.Reading("alert.smoke", key: "h1")]);
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        using var cts = new CancellationTokenSource();
        var cancelled = sink.WaitForReadingsAsync(1, 1, cts.Token).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
    }

    [Fact]
    public async Task Stats_ReportBacklogAndOldestUndeliveredAge()
    {
        using var dir = new TempDirectory("store");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestStores.Epoch0.AddMinutes(10));
        await using var store = TestStores.Create(dir.Path, time: time, sinks: "uplink");
        await TestStores.WriteAsync(store, [
            TestStores.Reading(key: "a", ts: TestStores.Epoch0), TestStores.Reading(key: "b", ts: TestStores.Epoch0.AddMinutes(4)),
            TestStores.Reading("alert.x", key: "c", ts: TestStores.Epoch0.AddMinutes(7))]);
        await store.GetSink("uplink").AdvanceAsync(Lane.Normal, 1, CancellationToken.None);

        var stats = await store.GetStatsAsync(CancellationToken.None);

        var sink = Assert.Single(stats.Sinks);
        Assert.Equal(2, sink.Backlog);
        Assert.Equal(TimeSpan.FromMinutes(6), sink.OldestAge);
        Assert.Equal(3, stats.Written);
        Assert.Contains("sink uplink backlog 2 oldest 360.0s", StoreStatsFormatter.Format(stats), StringComparison.Ordinal);
    }
}
