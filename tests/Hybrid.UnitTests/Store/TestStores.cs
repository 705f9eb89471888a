using System.Text;
using Hybrid.Edge.Hosting;
using Hybrid.Edge.Store;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hybrid.UnitTests.Store;

/// <summary>Real stores on real files for tests: no linger, no stats timer, no disk floor unless a test sets one.</summary>
internal static class TestStores
{
    public static readonly DateTimeOffset Epoch0 = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    public static StoreOptions DefaultOptions() => new()
    {
        CommitInterval = TimeSpan.Zero,
        StatsInterval = TimeSpan.Zero,
        MinFreeDiskBytes = 0,
        MinFreeDiskPercent = 0,
        RetentionInterval = TimeSpan.FromHours(1),
    };

    public static ReadingStore Create(string directory, Action<StoreOptions>? configure = null, TimeProvider? time = null, ILogger<ReadingStore>? logger = null, params string[] sinks)
    {
        var store = CreateClosed(directory, configure, time, logger, sinks);
        store.Open();
        store.StartWriter();
        return store;
    }

    public static ReadingStore CreateClosed(string directory, Action<StoreOptions>? configure = null, TimeProvider? time = null, ILogger<ReadingStore>? logger = null, params string[] sinks)
    {
        var options = DefaultOptions();
        configure?.Invoke(options);
        var agent = new AgentOptions { DeviceId = "pi-test", DataDirectory = directory };
        return new ReadingStore(Options.Create(options), Options.Create(agent), time ?? TimeProvider.System, logger ?? NullLogger<ReadingStore>.Instance, sinks.Select(s => new StoreSinkRegistration(s)));
    }

    public static CaptureReading Reading(string type = "telemetry.temperature", string? key = "k", DateTimeOffset? ts = null, int payloadBytes = 20, string source = "test")
    {
        var value = key ?? "none";
        var json = $"{{\"k\":\"{value}\",\"pad\":\"{new string('x', Math.Max(0, payloadBytes - 17 - value.Length))}\"}}";
        return new CaptureReading(type, ts ?? Epoch0, source, key, Encoding.UTF8.GetBytes(json));
    }

    public static async Task WriteAsync(ReadingStore store, IEnumerable<CaptureReading> readings)
    {
        foreach (var reading in readings)
        {
            Assert.True(store.Writer.TryWrite(reading));
        }

        await store.Writer.FlushAsync(CancellationToken.None);
    }

    /// <summary>Keys of a lane's rows in seq order, read by an independent connection.</summary>
    public static List<(long Seq, string? Key)> Rows(string path, Lane lane)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT seq, key FROM {(lane == Lane.High ? "log_high" : "log_normal")} ORDER BY seq";
        using var reader = command.ExecuteReader();
        var rows = new List<(long, string?)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        return rows;
    }

    public static async Task<List<StoredReading>> ReadAllAsync(ISinkLog sink, Lane lane, long after = 0)
    {
        var all = new List<StoredReading>();
        while (true)
        {
            var batch = await sink.ReadAsync(lane, after, 1000, int.MaxValue, CancellationToken.None);
            if (batch.Count == 0)
            {
                return all;
            }

            all.AddRange(batch);
            after = batch[^1].Seq;
        }
    }
}
