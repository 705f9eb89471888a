using Microsoft.Data.Sqlite;

namespace Hybrid.Edge.Store;

/// <summary>
/// Reads (and, for <c>deadletter purge</c>, edits) a store file from outside the agent: its own connection, read-only
/// unless a command changes something, safe beside a running agent (WAL, busy timeout).
/// </summary>
internal sealed class StoreInspector : IDisposable
{
    private readonly SqliteConnection _connection;

    private StoreInspector(SqliteConnection connection, string path)
    {
        _connection = connection;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Opens <paramref name="path"/>; throws <see cref="FileNotFoundException"/> when there is no store there.</summary>
    public static StoreInspector Open(string path, bool readOnly)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No store at {path}; check Hybrid:Agent:DataDirectory and Hybrid:Store:FileName (or --config).", path);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        StoreSchema.Execute(connection, "PRAGMA busy_timeout = 30000;");
        return new StoreInspector(connection, path);
    }

    /// <summary>Lanes, sinks (every sink that saved a cursor), dead letters and saved drop counts, as of <paramref name="now"/>.</summary>
    public StoreReport Report(DateTimeOffset now)
    {
        var version = SchemaVersion();
        var lanes = new[] { Lane.High, Lane.Normal }.Select(LoadLane).ToArray();
        var cursors = new Dictionary<string, long[]>(StringComparer.Ordinal);
        using (var command = Command(StoreSql.AllCursors))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var lane = reader.GetInt32(1);
                if (lane is 0 or 1)
                {
                    (cursors.TryGetValue(reader.GetString(0), out var seqs) ? seqs : cursors[reader.GetString(0)] = new long[2])[lane] = reader.GetInt64(2);
                }
            }
        }

        var deadLetters = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var command = Command(StoreSql.DeadLettersPerSink))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                deadLetters[reader.GetString(0)] = reader.GetInt64(1);
                cursors.TryAdd(reader.GetString(0), new long[2]);
            }
        }

        var sinks = cursors.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => new SinkReport(
            c.Key,
            [.. lanes.Select((lane, i) => new SinkLaneReport(lane.Lane, c.Value[i], Math.Max(0, lane.HeadSeq - Math.Max(c.Value[i], lane.FirstSeq - 1)), OldestAge((Lane)i, c.Value[i], now)))],
            deadLetters.GetValueOrDefault(c.Key))).ToList();
        return new StoreReport(Path, StoreSchema.ReadMeta(_connection, "device_id"), version, lanes, sinks, LoadDrops(version));
    }

    /// <summary>The dead letters matching <paramref name="filter"/>, oldest first.</summary>
    public IEnumerable<DeadLetterRecord> ListDeadLetters(DeadLetterFilter filter)
    {
        using var command = Command(StoreSql.ListDeadLetters(SchemaVersion() >= 3 ? "retry" : "0"));
        Bind(command, filter);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new DeadLetterRecord(
                reader.GetInt64(0),
                reader.GetString(1),
                ((Lane)reader.GetInt32(2)).Name(),
                reader.GetInt64(3),
                reader.GetString(4),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetInt64(10),
                reader.GetInt64(11) == 1);
        }
    }

    /// <summary>
    /// Marks the dead letters matching <paramref name="filter"/> for their sink to deliver again (the running agent's
    /// sink picks them up within seconds, or the next start does). Returns how many were marked, and how many matched
    /// but hold no copy of their reading (it was already gone from the log) so cannot be retried; null when the file
    /// predates retries (schema version below 3: the agent of this version upgrades it when it opens it).
    /// </summary>
    public (int Marked, long Unretriable)? RetryDeadLetters(DeadLetterFilter filter)
    {
        if (SchemaVersion() < 3)
        {
            return null;
        }

        using var mark = Command(StoreSql.RequestRetry);
        Bind(mark, filter);
        using var count = Command(StoreSql.CountUnretriable);
        Bind(count, filter);
        return (mark.ExecuteNonQuery(), (long)count.ExecuteScalar()!);
    }

    /// <summary>Deletes the dead letters matching <paramref name="filter"/>; returns how many.</summary>
    public int PurgeDeadLetters(DeadLetterFilter filter)
    {
        using var command = Command(StoreSql.PurgeDeadLetters);
        Bind(command, filter);
        return command.ExecuteNonQuery();
    }

    public void Dispose() => _connection.Dispose();

    private int SchemaVersion() =>
        int.TryParse(StoreSchema.ReadMeta(_connection, "schema_version"), System.Globalization.CultureInfo.InvariantCulture, out var version) ? version : 0;

    private LaneReport LoadLane(Lane lane)
    {
        var extent = LaneExtent.Read(_connection, lane) ?? new LaneExtent(1, 0, 0);
        return new LaneReport(lane.Name(), StoreSchema.ReadMeta(_connection, StoreSchema.EpochKey(lane)) ?? "", extent.FirstSeq, extent.HeadSeq, extent.Rows, extent.Bytes);
    }

    private double? OldestAge(Lane lane, long cursor, DateTimeOffset now)
    {
        using var command = Command(StoreSql.FirstTsAfter(lane));
        command.Parameters.AddWithValue("$after", cursor);
        return command.ExecuteScalar() is long ts ? Math.Round((now - DateTimeOffset.FromUnixTimeMilliseconds(ts)).TotalSeconds, 1) : null;
    }

    private Dictionary<string, long> LoadDrops(int version)
    {
        var drops = Enum.GetValues<DropReason>().ToDictionary(StoreStatsFormatter.ReasonName, _ => 0L, StringComparer.Ordinal);
        if (version < 2)
        {
            // Files from before drop counters were saved.
            return drops;
        }

        using var command = Command(StoreSql.LoadDrops);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            drops[reader.GetString(0)] = reader.GetInt64(1);
        }

        return drops;
    }

    private SqliteCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private static void Bind(SqliteCommand command, DeadLetterFilter filter)
    {
        command.Parameters.AddWithValue("$sink", (object?)filter.Sink ?? DBNull.Value);
        command.Parameters.AddWithValue("$lane", filter.Lane is { } lane ? (int)lane : DBNull.Value);
        command.Parameters.AddWithValue("$reason", (object?)filter.ReasonContains ?? DBNull.Value);
        command.Parameters.AddWithValue("$from", (object?)filter.FromSeq ?? DBNull.Value);
        command.Parameters.AddWithValue("$to", (object?)filter.ToSeq ?? DBNull.Value);
    }
}
