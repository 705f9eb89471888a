using Hybrid.Edge.Store;
using Microsoft.Data.Sqlite;

namespace Hybrid.IntegrationTests.Uplink;

/// <summary>A row of a lane's log as the store holds it.</summary>
internal sealed record StoredRow(Lane Lane, long Seq, string Type, string Payload);

/// <summary>A dead letter of the store.</summary>
internal sealed record StoredDeadLetter(string Sink, Lane Lane, long Seq, string Reason);

/// <summary>
/// What an agent's <c>store.db</c> holds, read by an independent read-only connection (the agent may be running):
/// each lane's epoch and head seq, the uplink's cursor, the rows still kept and the dead letters.
/// </summary>
internal sealed class StoreSnapshot
{
    public const string Sink = "uplink";

    private StoreSnapshot()
    {
    }

    public required IReadOnlyDictionary<Lane, string> Epochs { get; init; }

    /// <summary>The highest seq each lane ever gave out (rows up to it may already be deleted by retention).</summary>
    public required IReadOnlyDictionary<Lane, long> LastSeqs { get; init; }

    /// <summary>The uplink's settled seq per lane (0 before its first save).</summary>
    public required IReadOnlyDictionary<Lane, long> Cursors { get; init; }

    public required IReadOnlyList<StoredRow> Rows { get; init; }

    public required IReadOnlyList<StoredDeadLetter> DeadLetters { get; init; }

    public static IReadOnlyList<Lane> Lanes { get; } = [Lane.High, Lane.Normal];

    /// <summary>True once the uplink has settled everything the store ever held.</summary>
    public bool Drained => Lanes.All(l => Cursors[l] == LastSeqs[l]);

    public long Backlog => Lanes.Sum(l => LastSeqs[l] - Cursors[l]);

    /// <summary>Every reading the store ever held, by <c>(epoch, seq)</c>, up to <paramref name="upTo"/> per lane (default: the head).</summary>
    public IEnumerable<(Lane Lane, string Epoch, long Seq)> Written(IReadOnlyDictionary<Lane, long>? upTo = null) =>
        Lanes.SelectMany(lane => Seqs(1, (upTo ?? LastSeqs)[lane]).Select(seq => (lane, Epochs[lane], seq)));

    public static StoreSnapshot Read(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "store.db");
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var transaction = connection.BeginTransaction();
        var epochs = new Dictionary<Lane, string>();
        var lastSeqs = new Dictionary<Lane, long>();
        var cursors = new Dictionary<Lane, long>();
        var rows = new List<StoredRow>();
        foreach (var lane in Lanes)
        {
            epochs[lane] = StoreSchema.ReadMeta(connection, StoreSchema.EpochKey(lane)) ?? throw new InvalidOperationException($"no {StoreSchema.EpochKey(lane)} in {path}");
            lastSeqs[lane] = Scalar(connection, "SELECT last_seq FROM lanes WHERE lane = $lane", lane);
            cursors[lane] = Scalar(connection, $"SELECT coalesce((SELECT seq FROM cursors WHERE sink = '{Sink}' AND lane = $lane), 0)", lane);
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT seq, type, payload FROM {StoreSchema.LogTable(lane)} ORDER BY seq";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add(new StoredRow(lane, reader.GetInt64(0), reader.GetString(1), System.Text.Encoding.UTF8.GetString((byte[])reader.GetValue(2))));
            }
        }

        var deadLetters = new List<StoredDeadLetter>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT sink, lane, seq, reason FROM dead_letters ORDER BY id";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                deadLetters.Add(new StoredDeadLetter(reader.GetString(0), (Lane)reader.GetInt32(1), reader.GetInt64(2), reader.GetString(3)));
            }
        }

        return new StoreSnapshot { Epochs = epochs, LastSeqs = lastSeqs, Cursors = cursors, Rows = rows, DeadLetters = deadLetters };
    }

    /// <summary>Like <see cref="Read"/>, or null while the file does not exist yet or the agent holds a lock on it.</summary>
    public static StoreSnapshot? TryRead(string dataDirectory)
    {
        if (!File.Exists(Path.Combine(dataDirectory, "store.db")))
        {
            return null;
        }

        try
        {
            return Read(dataDirectory);
        }
        catch (SqliteException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds for a snapshot of the store and returns that snapshot.</summary>
    public static async Task<StoreSnapshot> WaitUntilAsync(string dataDirectory, Func<StoreSnapshot, bool> condition, TimeSpan timeout, Func<string>? describe = null)
    {
        StoreSnapshot? last = null;
        await Hybrid.Testing.Eventually.UntilAsync(
            () => (last = TryRead(dataDirectory)) is { } snapshot && condition(snapshot),
            timeout,
            () => $"store: {last?.Describe() ?? "not readable"}. {describe?.Invoke()}");
        return last!;
    }

    public string Describe() =>
        string.Join(", ", Lanes.Select(l => $"{l} head {LastSeqs[l]} cursor {Cursors[l]}")) + $", {DeadLetters.Count} dead letters";

    private static IEnumerable<long> Seqs(long from, long to)
    {
        for (var seq = from; seq <= to; seq++)
        {
            yield return seq;
        }
    }

    private static long Scalar(SqliteConnection connection, string sql, Lane lane)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$lane", (int)lane);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
