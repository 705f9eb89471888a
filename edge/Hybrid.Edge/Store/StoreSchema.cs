using Microsoft.Data.Sqlite;

namespace Hybrid.Edge.Store;

/// <summary>
/// The store's tables and their forward migrations. <c>meta.schema_version</c> says which migrations a file has;
/// opening applies the missing ones in one transaction each. Never edit a shipped migration: append a new one.
/// </summary>
internal static class StoreSchema
{
    /// <summary>Migrations[i] brings a file from version i to version i + 1.</summary>
    private static readonly string[] Migrations =
    [
        // v1: one append-only log per lane (seq is the rowid, so reads by seq are b-tree range scans),
        // the highest seq each lane ever used (so deleting every row never lets a seq be reused),
        // one cursor per sink and lane, and dead letters holding a copy of the reading for `deadletter retry`.
        """
        CREATE TABLE log_high (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, ts INTEGER NOT NULL, source TEXT NOT NULL, key TEXT, payload BLOB NOT NULL);
        CREATE TABLE log_normal (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, ts INTEGER NOT NULL, source TEXT NOT NULL, key TEXT, payload BLOB NOT NULL);
        CREATE TABLE lanes (lane INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL);
        INSERT INTO lanes (lane, last_seq) VALUES (0, 0), (1, 0);
        CREATE TABLE cursors (sink TEXT NOT NULL, lane INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (sink, lane)) WITHOUT ROWID;
        CREATE TABLE dead_letters (id INTEGER PRIMARY KEY, sink TEXT NOT NULL, lane INTEGER NOT NULL, seq INTEGER NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL,
            type TEXT, ts INTEGER, source TEXT, key TEXT, payload BLOB);
        CREATE INDEX dead_letters_by_sink ON dead_letters (sink, id);
        """,

        // v2: drop counters by reason (channel-full, capacity, …), saved with each commit, so they survive a restart.
        """
        CREATE TABLE drops (reason TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID;
        """,

        // v3: `deadletter retry` marks dead letters for their sink to deliver again, under their own seq.
        """
        ALTER TABLE dead_letters ADD COLUMN retry INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX dead_letters_retry ON dead_letters (sink, lane, seq) WHERE retry = 1;
        """,
    ];

    /// <summary>The schema version this build writes.</summary>
    public static int CurrentVersion => Migrations.Length;

    /// <summary>The log table of <paramref name="lane"/>.</summary>
    public static string LogTable(Lane lane) => lane == Lane.High ? "log_high" : "log_normal";

    /// <summary>The <c>meta</c> key holding <paramref name="lane"/>'s epoch.</summary>
    public static string EpochKey(Lane lane) => lane == Lane.High ? "epoch.high" : "epoch.normal";

    /// <summary>SQL for the bytes a row counts against <c>MaxBytes</c>; <see cref="RowBytes"/> is the same in C#.</summary>
    public const string RowBytesSql = "(length(payload) + length(type) + length(source) + coalesce(length(key), 0) + 24)";

    /// <summary>The bytes a reading counts against <c>MaxBytes</c> (characters of the strings, bytes of the payload, 24 for seq/ts/row overhead).</summary>
    public static long RowBytes(string type, string source, string? key, int payloadLength) =>
        payloadLength + type.Length + source.Length + (key?.Length ?? 0) + 24;

    /// <summary>
    /// Creates <c>meta</c> if needed and applies missing migrations; a new file also gets its device id and one
    /// fresh epoch per lane.
    /// </summary>
    public static void Migrate(SqliteConnection connection, Func<string> newEpoch)
    {
        Execute(connection, "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;");
        var found = int.Parse(ReadMeta(connection, "schema_version") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        if (found > CurrentVersion)
        {
            throw new StoreVersionException(found, CurrentVersion);
        }

        for (var version = found; version < CurrentVersion; version++)
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, Migrations[version]);
            if (version == 0)
            {
                // Each lane's epoch is created with its log: (device, epoch, seq) names a reading forever.
                WriteMeta(connection, EpochKey(Lane.High), newEpoch());
                WriteMeta(connection, EpochKey(Lane.Normal), newEpoch());
            }

            WriteMeta(connection, "schema_version", (version + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            transaction.Commit();
        }
    }

    public static string? ReadMeta(SqliteConnection connection, string key)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        return command.ExecuteScalar() as string;
    }

    public static void WriteMeta(SqliteConnection connection, string key, string value)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$value", value);
        command.ExecuteNonQuery();
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
