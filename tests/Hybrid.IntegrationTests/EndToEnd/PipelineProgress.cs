using System.Globalization;
using Hybrid.Edge.Mqtt;
using Hybrid.Edge.Store;
using Hybrid.Edge.Uplink;
using Hybrid.IntegrationTests.Uplink;
using Microsoft.Data.Sqlite;

namespace Hybrid.IntegrationTests.EndToEnd;

/// <summary>
/// Where the agent's store stands, read beside the running agent by a read-only connection (cheap enough to poll):
/// each lane's epoch and head seq, the durable cursors of the <c>uplink</c> and <c>mqtt</c> sinks, the drop counters
/// the agent saves with each commit, and the number of dead letters.
/// </summary>
internal sealed class PipelineProgress
{
    public static readonly string[] Sinks = [UplinkService.SinkName, MqttSinkService.SinkName];

    private PipelineProgress()
    {
    }

    public required IReadOnlyDictionary<Lane, string> Epochs { get; init; }

    public required IReadOnlyDictionary<Lane, long> Heads { get; init; }

    /// <summary>Durable cursor per sink and lane (0 before its first save).</summary>
    public required IReadOnlyDictionary<(string Sink, Lane Lane), long> Cursors { get; init; }

    /// <summary>The agent's own drop counters by reason, since the store was created.</summary>
    public required IReadOnlyDictionary<string, long> Drops { get; init; }

    public required long DeadLetters { get; init; }

    public long Cursor(string sink, Lane lane) => Cursors[(sink, lane)];

    /// <summary>True once every sink has passed every lane's head.</summary>
    public bool Drained => Passed(Heads);

    /// <summary>True once every sink has passed <paramref name="heads"/> in every lane.</summary>
    public bool Passed(IReadOnlyDictionary<Lane, long> heads) =>
        Sinks.All(sink => StoreSnapshot.Lanes.All(lane => Cursor(sink, lane) >= heads[lane]));

    public long DropCount(DropReason reason) => Drops.GetValueOrDefault(StoreStatsFormatter.ReasonName(reason));

    public static PipelineProgress Read(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, new StoreOptions().FileName);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var transaction = connection.BeginTransaction();
        var epochs = new Dictionary<Lane, string>();
        var heads = new Dictionary<Lane, long>();
        var cursors = new Dictionary<(string, Lane), long>();
        foreach (var lane in StoreSnapshot.Lanes)
        {
            epochs[lane] = StoreSchema.ReadMeta(connection, StoreSchema.EpochKey(lane)) ?? throw new InvalidOperationException($"no {StoreSchema.EpochKey(lane)} in {path}");
            heads[lane] = Scalar(connection, $"SELECT last_seq FROM lanes WHERE lane = {(int)lane}");
            foreach (var sink in Sinks)
            {
                cursors[(sink, lane)] = Scalar(connection, $"SELECT coalesce((SELECT seq FROM cursors WHERE sink = '{sink}' AND lane = {(int)lane}), 0)");
            }
        }

        var drops = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var command = connection.CreateCommand())
        {
            command.CommandText = StoreSql.LoadDrops;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                drops[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        return new PipelineProgress
        {
            Epochs = epochs,
            Heads = heads,
            Cursors = cursors,
            Drops = drops,
            DeadLetters = Scalar(connection, "SELECT count(*) FROM dead_letters"),
        };
    }

    /// <summary>Polls until <paramref name="condition"/> holds (a store not yet readable does not) and returns that reading.</summary>
    public static async Task<PipelineProgress> WaitUntilAsync(string dataDirectory, Func<PipelineProgress, bool> condition, TimeSpan timeout, Func<string> describe)
    {
        PipelineProgress? last = null;
        await Hybrid.Testing.Eventually.UntilAsync(
            () => (last = TryRead(dataDirectory)) is { } progress && condition(progress),
            timeout,
            () => $"store: {last?.ToString() ?? "not readable"}. {describe()}");
        return last!;
    }

    public override string ToString() =>
        string.Join("; ", StoreSnapshot.Lanes.Select(l => $"{l} head {Heads[l]} " + string.Join(" ", Sinks.Select(s => $"{s} {Cursor(s, l)}"))))
        + $"; drops {(Drops.Count == 0 ? "none" : string.Join(", ", Drops.Select(d => $"{d.Key} {d.Value}")))}; {DeadLetters} dead letters";

    private static PipelineProgress? TryRead(string dataDirectory)
    {
        try
        {
            return File.Exists(Path.Combine(dataDirectory, new StoreOptions().FileName)) ? Read(dataDirectory) : null;
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException)
        {
            return null; // created but its schema not yet committed, or locked for a moment
        }
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
