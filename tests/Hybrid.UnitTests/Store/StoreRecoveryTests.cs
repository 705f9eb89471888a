using Hybrid.Edge.Store;
using Hybrid.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Hybrid.UnitTests.Store;

/// <summary>Damaged files and full disks, on real SQLite files.</summary>
public sealed class StoreRecoveryTests
{
    [Theory]
    [InlineData(0, "header overwritten: not a database")]
    [InlineData(3, "b-tree pages overwritten")]
    public async Task Open_CorruptedFile_QuarantinesItAndStartsFreshWithNewEpochs(int fromPage, string damage)
    {
        using var dir = new TempDirectory("store-corrupt");
        string path, oldEpoch;
        await using (var store = TestStores.Create(dir.Path))
        {
            await TestStores.WriteAsync(store, Enumerable.Range(1, 2000).Select(i => TestStores.Reading(key: $"r{i}", payloadBytes: 200)));
            (path, oldEpoch) = (store.Path, store.GetLane(Lane.Normal).Epoch);
        }

        Assert.False(File.Exists(path + "-wal"), "closing the last connection checkpoints the WAL into the file");
        var garbage = new byte[4096 * 4];
        new Random(42).NextBytes(garbage);
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.Position = fromPage * 4096L;
            await file.WriteAsync(garbage);
        }

        var corruptBytes = await File.ReadAllBytesAsync(path);
        var logger = new RecordingLogger<ReadingStore>();
        await using (var store = TestStores.Create(dir.Path, logger: logger))
        {
            Assert.NotNull(store.QuarantinedTo);
            Assert.Equal(corruptBytes, await File.ReadAllBytesAsync(store.QuarantinedTo));
            Assert.Matches(@"store\.db\.corrupt-\d{8}T\d{6}Z$", store.QuarantinedTo);
            Assert.NotEqual(oldEpoch, store.GetLane(Lane.Normal).Epoch);
            Assert.Equal(0, store.GetLane(Lane.Normal).HeadSeq);
            var error = Assert.Single(logger.Entries, e => e.Id == 1001);
            Assert.Equal(LogLevel.Error, error.Level);
            Assert.Contains(store.QuarantinedTo, error.Message, StringComparison.Ordinal);

            await TestStores.WriteAsync(store, [TestStores.Reading(key: "fresh")]);
            Assert.Equal([(1L, (string?)"fresh")], TestStores.Rows(store.Path, Lane.Normal));
        }

        // The fresh store is sound: the next start neither quarantines again nor loses the new reading.
        await using (var store = TestStores.Create(dir.Path))
        {
            Assert.Null(store.QuarantinedTo);
            Assert.Equal(1, store.GetLane(Lane.Normal).HeadSeq);
        }

        Assert.Single(Directory.GetFiles(dir.Path, "store.db.corrupt-*"), f => !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal));
        _ = damage;
    }

    [Fact]
    public async Task Open_FileFromNewerAgent_RefusesWithAClearMessageAndKeepsTheFile()
    {
        using var dir = new TempDirectory("store-version");
        string path;
        await using (var store = TestStores.Create(dir.Path))
        {
            path = store.Path;
        }

        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            StoreSchema.WriteMeta(connection, "schema_version", "99");
        }

        await using var newer = TestStores.CreateClosed(dir.Path);
        var ex = Assert.Throws<StoreVersionException>(newer.Open);
        Assert.Contains("schema version 99", ex.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(path));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.corrupt-*"));
    }

    [Fact]
    public async Task Open_FileFromBeforeDeadLetterRetries_IsUpgradedKeepingItsDeadLetters()
    {
        using var dir = new TempDirectory("store-v2");
        string path;
        await using (var store = TestStores.Create(dir.Path, sinks: "uplink"))
        {
            path = store.Path;
            await TestStores.WriteAsync(store, [TestStores.Reading(key: "k1")]);
            await store.GetSink("uplink").DeadLetterAsync(Lane.Normal, [new DeadLetterItem(1, "uplink: refused")], CancellationToken.None);
        }

        // Back to what a version-2 agent wrote: no retry column.
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            StoreSchema.Execute(connection, "DROP INDEX dead_letters_retry; ALTER TABLE dead_letters DROP COLUMN retry;");
            StoreSchema.WriteMeta(connection, "schema_version", "2");
        }

        using (var inspector = StoreInspector.Open(path, readOnly: false))
        {
            Assert.Null(inspector.RetryDeadLetters(new DeadLetterFilter("uplink", null, null, null, null)));
            Assert.False(Assert.Single(inspector.ListDeadLetters(new DeadLetterFilter(null, null, null, null, null))).RetryPending);
        }

        await using (var upgraded = TestStores.Create(dir.Path, sinks: "uplink"))
        {
            using var inspector = StoreInspector.Open(path, readOnly: false);
            Assert.Equal((1, 0L), inspector.RetryDeadLetters(new DeadLetterFilter("uplink", null, null, null, null)));
            var item = Assert.Single(await upgraded.GetSink("uplink").ReadRetriesAsync(10, CancellationToken.None));
            Assert.Equal("k1", item.Reading.Key);
        }
    }

    [Fact]
    public async Task DiskFull_RejectNew_IsReportedAndRetried_ThenWritesResumeOnceDeliveredRowsAreDeleted()
    {
        using var dir = new TempDirectory("store-full");
        var logger = new RecordingLogger<ReadingStore>();

        // max_page_count caps the file at 60 pages of 4 KiB: SQLite then fails commits with SQLITE_FULL like a full disk.
        await using var store = TestStores.Create(dir.Path, o => (o.MaxPageCount, o.CapacityPolicy, o.DiskFullRetryInterval, o.CommitMaxReadings) = (60, "reject-new", TimeSpan.FromMilliseconds(20), 50), logger: logger, sinks: "uplink");
        var accepted = new List<string>();
        for (var i = 0; i < 400; i++)
        {
            var key = $"r{i:D4}";
            if (store.Writer.TryWrite(TestStores.Reading(key: key, payloadBytes: 1000)))
            {
                accepted.Add(key);
            }
        }

        await Eventually.UntilAsync(() => store.Writer.DiskFull, TimeSpan.FromSeconds(20), () => "the writer does not report the full disk");
        Assert.True(store.Counters.DiskFullEvents > 0);
        Assert.Contains(logger.Entries, e => e.Id == 1003 && e.Level == LogLevel.Error);
        var storedWhileFull = TestStores.Rows(store.Path, Lane.Normal).Count;
        Assert.InRange(storedWhileFull, 1, 399);

        // The sink delivers everything stored so far; the writer's retry deletes those rows and reuses their pages.
        var sink = store.GetSink("uplink");
        var delivered = new List<string>();
        while (delivered.Count < accepted.Count)
        {
            var batch = await sink.ReadAsync(Lane.Normal, sink.GetCursor(Lane.Normal), 1000, int.MaxValue, CancellationToken.None);
            if (batch.Count == 0)
            {
                await sink.WaitForReadingsAsync(long.MaxValue, sink.GetCursor(Lane.Normal), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
                continue;
            }

            delivered.AddRange(batch.Select(r => r.Key!));
            await sink.AdvanceAsync(Lane.Normal, batch[^1].Seq, CancellationToken.None);
        }

        await store.Writer.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(accepted, delivered);
        Assert.False(store.Writer.DiskFull);
        Assert.Contains(logger.Entries, e => e.Id == 1004);
        Assert.Equal(0, store.Counters.TotalDropped);
    }

    [Fact]
    public async Task DiskFull_DropOldest_EvictsOldestAndKeepsWriting()
    {
        using var dir = new TempDirectory("store-full");
        await using var store = TestStores.Create(dir.Path, o => (o.MaxPageCount, o.DiskFullRetryInterval, o.CommitMaxReadings) = (60, TimeSpan.FromMilliseconds(20), 50));

        for (var i = 0; i < 400; i++)
        {
            Assert.True(store.Writer.TryWrite(TestStores.Reading(key: $"r{i:D4}", payloadBytes: 1000)));
        }

        await store.Writer.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        var rows = TestStores.Rows(store.Path, Lane.Normal);
        Assert.Equal("r0399", rows[^1].Key);
        Assert.True(rows.Count < 400);
        Assert.True(store.Counters.DiskFullEvents > 0);
        Assert.Equal(400 - rows.Count, store.Counters.Dropped(DropReason.DiskFull));
        Assert.Equal(rows.Select(r => r.Seq), Enumerable.Range((int)rows[0].Seq, rows.Count).Select(i => (long)i));
    }
}
