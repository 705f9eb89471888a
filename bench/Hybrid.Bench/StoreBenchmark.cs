using System.Diagnostics;
using System.Text;
using Hybrid.Edge.Hosting;
using Hybrid.Edge.Store;
using Hybrid.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hybrid.Bench;

/// <summary>
/// <c>./hybrid bench store [--runs N] [--readings N] [--backlog N]</c>: durable ingest of 200-byte readings through the
/// real writer (NORMAL and FULL) beside a raw batched-insert loop of the same rows in the same run; read-and-advance
/// over a backlog; peak RSS of each phase. Prints every run and the medians.
/// </summary>
internal sealed class StoreBenchmark : IBenchmark
{
    private const int RawBatch = 2_000;

    public string Name => "store";

    public string Description => "edge store: durable ingest (writer vs raw SQLite), read-and-advance, peak RSS";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var runs = Arg(args, "--runs", 3);
        var readings = Arg(args, "--readings", 300_000);
        var backlog = Arg(args, "--backlog", 1_000_000);
        Console.WriteLine($"process at start: {Status("VmRSS")}, {Status("RssAnon")} anon, {Status("RssFile")} file-backed (runtime and libraries)");
        Console.WriteLine($"store bench: {runs} runs, {readings:N0} readings of {ReadingBytes} B per ingest run, backlog {backlog:N0}");
        var results = new Dictionary<string, List<double>>();
        void Add(string key, double value) => (results.TryGetValue(key, out var list) ? list : results[key] = []).Add(value);

        // Untimed warm-up of a run's size, so run 1 is not a measurement of the JIT: with 50,000 readings (0.1 s) the
        // tiered JIT had not finished and run 1 was the lowest of every invocation for both sides.
        using (var warm = new TempDirectory("bench-store"))
        {
            await IngestThroughWriterAsync(warm.Path, StoreSynchronous.Normal, readings, cancellationToken);
            IngestRaw(warm.File("raw.db"), StoreSynchronous.Normal, readings);
        }

        for (var run = 1; run <= runs; run++)
        {
            foreach (var sync in (StoreSynchronous[])[StoreSynchronous.Normal, StoreSynchronous.Full])
            {
                using var dir = new TempDirectory("bench-store");
                ResetPeakRss();
                var writer = await IngestThroughWriterAsync(dir.Path, sync, readings, cancellationToken);
                var writerRss = PeakRssMb();
                var raw = IngestRaw(dir.File("raw.db"), sync, readings);
                Add($"writer {sync}", writer);
                Add($"raw {sync}", raw);
                Add($"ratio {sync}", writer / raw);
                Add($"rss ingest {sync}", writerRss);
                Console.WriteLine($"run {run} {sync,-6}: writer {writer,10:N0}/s   raw loop {raw,10:N0}/s   ratio {writer / raw:0.00}   peak RSS {writerRss:0.0} MB");
            }

            using (var dir = new TempDirectory("bench-store"))
            {
                await using var store = Open(dir.Path, StoreSynchronous.Normal);
                await FillAsync(store, backlog, cancellationToken);
                ResetPeakRss();
                var rate = await ReadAndAdvanceAsync(store, backlog, cancellationToken);
                var rss = PeakRssMb();
                Add("read+advance", rate);
                Add("rss read", rss);
                Console.WriteLine($"run {run} read+advance over {backlog:N0}: {rate,10:N0}/s   peak RSS {rss:0.0} MB");
            }
        }

        Console.WriteLine();
        Console.WriteLine($"medians of {runs} runs:");
        foreach (var (key, values) in results)
        {
            var median = Median(values);
            Console.WriteLine(key.StartsWith("ratio", StringComparison.Ordinal) || key.StartsWith("rss", StringComparison.Ordinal)
                ? $"  {key,-18} {median,10:0.00}{(key.StartsWith("rss", StringComparison.Ordinal) ? " MB" : "")}"
                : $"  {key,-18} {median,10:N0} readings/s");
        }

        var gc = GC.GetGCMemoryInfo();
        Console.WriteLine($"process at end: {Status("VmRSS")}, {Status("RssAnon")} anon, {Status("RssFile")} file-backed; GC heap {gc.HeapSizeBytes / 1048576.0:0.0} MB, committed {gc.TotalCommittedBytes / 1048576.0:0.0} MB");
        Console.WriteLine($"  peak RSS overall   {PeakRssSinceStartMb:0.0} MB (targets: writer NORMAL >= 100,000/s and >= 0.5x raw; read+advance >= 200,000/s; RSS <= 60 MB)");
        return 0;
    }

    // type (21) + source (9) + key (8) + payload (138) + 24 row overhead = 200 bytes per reading.
    private const string Type = "telemetry.temperature";
    private const string Source = "simulated";
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("{\"value\":21.4,\"unit\":\"C\",\"pad\":\"" + new string('x', 138 - 33 - 1) + "\"}");
    private static readonly string[] Keys = [.. Enumerable.Range(0, 64).Select(i => $"sensor{i:D2}")];
    private static readonly DateTimeOffset Ts = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static double PeakRssSinceStartMb;

    private static long ReadingBytes => StoreSchema.RowBytes(Type, Source, Keys[0], Payload.Length);

    private static ReadingStore Open(string directory, StoreSynchronous synchronous)
    {
        var options = new StoreOptions { Synchronous = synchronous, StatsInterval = TimeSpan.Zero, MinFreeDiskBytes = 0, MinFreeDiskPercent = 0 };
        var agent = new AgentOptions { DeviceId = "bench", DataDirectory = directory };
        var store = new ReadingStore(Options.Create(options), Options.Create(agent), TimeProvider.System, NullLogger<ReadingStore>.Instance, []);
        store.Open();
        store.StartWriter();
        return store;
    }

    private static async Task<double> IngestThroughWriterAsync(string directory, StoreSynchronous synchronous, int count, CancellationToken cancellationToken)
    {
        await using var store = Open(directory, synchronous);
        var watch = Stopwatch.StartNew();
        await WriteAsync(store, count, cancellationToken);
        await store.Writer.FlushAsync(cancellationToken);
        watch.Stop();
        if (store.GetLane(Lane.Normal).HeadSeq != count)
        {
            throw new InvalidOperationException($"expected {count} stored, found {store.GetLane(Lane.Normal).HeadSeq}");
        }

        return count / watch.Elapsed.TotalSeconds;
    }

    private static async Task WriteAsync(ReadingStore store, int count, CancellationToken cancellationToken)
    {
        var capacity = store.Options.ChannelCapacity;
        for (var i = 0; i < count; i++)
        {
            // A capture source would drop and count when the channel is full; the bench waits so every reading is measured.
            while (store.Writer.QueuedReadings >= capacity)
            {
                await Task.Delay(1, cancellationToken);
            }

            store.Writer.TryWrite(new CaptureReading(Type, Ts, Source, Keys[i & 63], Payload));
        }
    }

    private static async Task FillAsync(ReadingStore store, int count, CancellationToken cancellationToken)
    {
        await WriteAsync(store, count, cancellationToken);
        await store.Writer.FlushAsync(cancellationToken);
    }

    /// <summary>The same rows as the writer stores, inserted with one reused prepared statement per 2,000-row transaction.</summary>
    private static double IngestRaw(string path, StoreSynchronous synchronous, int count)
    {
        using var connection = StoreFile.OpenConnection(path, synchronous, 0);
        StoreSchema.Execute(connection, "CREATE TABLE log (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, ts INTEGER NOT NULL, source TEXT NOT NULL, key TEXT, payload BLOB NOT NULL)");
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO log (seq, type, ts, source, key, payload) VALUES ($seq, $type, $ts, $source, $key, $payload)";
        var seq = insert.Parameters.Add("$seq", SqliteType.Integer);
        var type = insert.Parameters.Add("$type", SqliteType.Text);
        var ts = insert.Parameters.Add("$ts", SqliteType.Integer);
        var source = insert.Parameters.Add("$source", SqliteType.Text);
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        var payload = insert.Parameters.Add("$payload", SqliteType.Blob);
        var watch = Stopwatch.StartNew();
        for (var done = 0; done < count;)
        {
            using var transaction = connection.BeginTransaction();
            insert.Transaction = transaction;
            for (var end = Math.Min(count, done + RawBatch); done < end; done++)
            {
                seq.Value = done + 1L;
                type.Value = Type;
                ts.Value = Ts.ToUnixTimeMilliseconds();
                source.Value = Source;
                key.Value = Keys[done & 63];
                payload.Value = Payload;
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        watch.Stop();
        return count / watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> ReadAndAdvanceAsync(ReadingStore store, int backlog, CancellationToken cancellationToken)
    {
        var sink = store.GetSink("bench");
        var read = 0L;
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var batch = await sink.ReadAsync(Lane.Normal, sink.GetCursor(Lane.Normal), 1000, 1 << 20, cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            read += batch.Count;
            await sink.AdvanceAsync(Lane.Normal, batch[^1].Seq, cancellationToken);
        }

        watch.Stop();
        if (read != backlog)
        {
            throw new InvalidOperationException($"read {read}, expected {backlog}");
        }

        return read / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Resets the kernel's peak-RSS mark (VmHWM) so each phase reports its own peak.</summary>
    private static void ResetPeakRss()
    {
        PeakRssSinceStartMb = Math.Max(PeakRssSinceStartMb, StatusMb(null, "VmHWM"));
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static double PeakRssMb()
    {
        var mb = StatusMb(null, "VmHWM");
        PeakRssSinceStartMb = Math.Max(PeakRssSinceStartMb, mb);
        return mb;
    }

    private static string Status(string field) =>
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal))?[(field.Length + 1)..].Trim() ?? "?";
}
