using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Hybrid.Edge.Store;

/// <summary>Opening, checking and quarantining the store's SQLite file.</summary>
internal static class StoreFile
{
    /// <summary>SQLite primary result codes the store reacts to.</summary>
    public const int SqliteCorrupt = 11;
    public const int SqliteFull = 13;
    public const int SqliteNotADatabase = 26;

    /// <summary>Opens a connection with the store's pragmas. Pooling is off so closing really releases the file (quarantine renames it).</summary>
    public static SqliteConnection OpenConnection(string path, StoreSynchronous synchronous, long maxPageCount)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            var sync = synchronous == StoreSynchronous.Full ? "FULL" : "NORMAL";

            // WAL: readers never block the writer. journal_size_limit stops one burst from leaving a huge -wal behind.
            // busy_timeout: the writer and a sink's cursor update contend for the one write lock; SQLite's own busy
            // handler retries within a millisecond or two, where Microsoft.Data.Sqlite's fallback sleeps 150 ms per
            // SQLITE_BUSY (which showed as 150/300 ms capture->PUBACK stalls in the MQTT bench).
            StoreSchema.Execute(connection, $"PRAGMA journal_mode = WAL; PRAGMA synchronous = {sync}; PRAGMA journal_size_limit = 67108864; PRAGMA busy_timeout = 30000;");
            if (maxPageCount > 0)
            {
                StoreSchema.Execute(connection, string.Create(CultureInfo.InvariantCulture, $"PRAGMA max_page_count = {maxPageCount};"));
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Runs <c>PRAGMA quick_check</c>; returns null when the file is sound, else SQLite's first complaint.</summary>
    public static string? QuickCheck(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA quick_check(5)";
        using var reader = command.ExecuteReader();
        var problems = new List<string>();
        while (reader.Read())
        {
            problems.Add(reader.GetString(0));
        }

        return problems is ["ok"] ? null : string.Join("; ", problems);
    }

    /// <summary>True for failures that mean the file itself is damaged or not a database (as opposed to a full disk or a bug).</summary>
    public static bool IsCorruption(Exception ex) =>
        ex is StoreCorruptException
        || ex is SqliteException { SqliteErrorCode: SqliteCorrupt or SqliteNotADatabase };

    /// <summary>True when SQLite reports the disk (or the configured page cap) as full.</summary>
    public static bool IsDiskFull(Exception ex) => ex is SqliteException { SqliteErrorCode: SqliteFull }
        || (ex is IOException io && io.HResult == 28 /* ENOSPC */);

    /// <summary>
    /// Renames the database and its <c>-wal</c>/<c>-shm</c> companions to <c>{file}.corrupt-{UTC timestamp}</c> so an
    /// operator can inspect them; returns the new database path.
    /// </summary>
    public static string Quarantine(string path, DateTimeOffset now)
    {
        var stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var target = $"{path}.corrupt-{stamp}";
        for (var n = 1; File.Exists(target); n++)
        {
            target = $"{path}.corrupt-{stamp}-{n}";
        }

        foreach (var suffix in (string[])["-wal", "-shm"])
        {
            if (File.Exists(path + suffix))
            {
                File.Move(path + suffix, target + suffix);
            }
        }

        if (File.Exists(path))
        {
            File.Move(path, target);
        }

        return target;
    }
}
