using System.Text;
using Hybrid.Edge.Hosting;
using Hybrid.Edge.Store;
using Hybrid.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hybrid.IntegrationTests.Mqtt;

/// <summary>
/// A real SQLite store in a temp directory for the MQTT sink tests, with the sink's log (<c>mqtt</c>) and an
/// independent reader (<c>verify</c>) plus a plain SQLite connection for dead letters.
/// </summary>
internal sealed class MqttTestStore : IAsyncDisposable
{
    private readonly TempDirectory _directory = new("mqtt-store");

    private MqttTestStore(string device)
    {
        var options = new StoreOptions { CommitInterval = TimeSpan.Zero, StatsInterval = TimeSpan.Zero, MinFreeDiskBytes = 0, MinFreeDiskPercent = 0 };
        var agent = new AgentOptions { DeviceId = device, DataDirectory = _directory.Path };
        Store = new ReadingStore(Options.Create(options), Options.Create(agent), TimeProvider.System, NullLogger<ReadingStore>.Instance, [new StoreSinkRegistration("mqtt")]);
        Store.Open();
        Store.StartWriter();
        Sink = Store.GetSink("mqtt");
        Verify = Store.GetSink("verify");
    }

    public ReadingStore Store { get; }

    /// <summary>The MQTT sink's view.</summary>
    public ISinkLog Sink { get; }

    /// <summary>A second sink used only to read back what the store holds.</summary>
    public ISinkLog Verify { get; }

    public static MqttTestStore Create(string device) => new(device);

    /// <summary>Hands a reading to the store's writer (lane by type: <c>alert.*</c> is high).</summary>
    public void Write(string type, string payloadJson, string? key = null) =>
        Assert.True(Store.Writer.TryWrite(new CaptureReading(type, new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero), "test", key, Encoding.UTF8.GetBytes(payloadJson))));

    public Task FlushAsync() => Store.Writer.FlushAsync(CancellationToken.None);

    public long Cursor(Lane lane) => Sink.GetCursor(lane);

    public async Task<List<StoredReading>> AllAsync(Lane lane)
    {
        var all = new List<StoredReading>();
        var after = 0L;
        while (true)
        {
            var batch = await Verify.ReadAsync(lane, after, 1000, int.MaxValue, CancellationToken.None);
            if (batch.Count == 0)
            {
                return all;
            }

            all.AddRange(batch);
            after = batch[^1].Seq;
        }
    }

    public List<(long Seq, string Reason)> DeadLetters()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Store.Path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, reason FROM dead_letters WHERE sink = 'mqtt' ORDER BY id";
        using var reader = command.ExecuteReader();
        var rows = new List<(long, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return rows;
    }

    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string>? describe = null) =>
        Eventually.UntilAsync(condition, timeout, describe);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _directory.Dispose();
    }
}
