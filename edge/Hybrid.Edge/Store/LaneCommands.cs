using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Hybrid.Edge.Store;

/// <summary>The write connection's prepared statements for one lane's log, created once and reused for every group.</summary>
internal sealed class LaneCommands : IDisposable
{
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter _seq;
    private readonly SqliteParameter _type;
    private readonly SqliteParameter _ts;
    private readonly SqliteParameter _source;
    private readonly SqliteParameter _key;
    private readonly SqliteParameter _payload;
    private readonly SqliteCommand _scanOldest;
    private readonly SqliteCommand _deletePrefix;
    private readonly SqliteCommand _prefixBytes;

    public LaneCommands(SqliteConnection connection, Lane lane)
    {
        _insert = connection.CreateCommand();
        _insert.CommandText = StoreSql.Insert(lane);
        _seq = _insert.Parameters.Add("$seq", SqliteType.Integer);
        _type = _insert.Parameters.Add("$type", SqliteType.Text);
        _ts = _insert.Parameters.Add("$ts", SqliteType.Integer);
        _source = _insert.Parameters.Add("$source", SqliteType.Text);
        _key = _insert.Parameters.Add("$key", SqliteType.Text);
        _payload = _insert.Parameters.Add("$payload", SqliteType.Blob);
        _scanOldest = Prepare(connection, StoreSql.ScanOldest(lane), "$first");
        _deletePrefix = Prepare(connection, StoreSql.DeletePrefix(lane), "$through");
        _prefixBytes = Prepare(connection, StoreSql.PrefixBytes(lane), "$through");
    }

    public void Insert(SqliteTransaction transaction, long seq, CaptureReading reading)
    {
        _insert.Transaction = transaction;
        _seq.Value = seq;
        _type.Value = reading.Type;
        _ts.Value = reading.Ts.ToUnixTimeMilliseconds();
        _source.Value = reading.Source;
        _key.Value = (object?)reading.Key ?? DBNull.Value;
        _payload.Value = AsArray(reading.PayloadJson);
        _insert.ExecuteNonQuery();
    }

    /// <summary>Reads the oldest rows from <paramref name="firstSeq"/> on: seq, ts and bytes, oldest first.</summary>
    public SqliteDataReader ScanOldest(SqliteTransaction transaction, long firstSeq)
    {
        _scanOldest.Transaction = transaction;
        _scanOldest.Parameters[0].Value = firstSeq;
        return _scanOldest.ExecuteReader();
    }

    public void DeletePrefix(SqliteTransaction transaction, long throughSeq)
    {
        _deletePrefix.Transaction = transaction;
        _deletePrefix.Parameters[0].Value = throughSeq;
        _deletePrefix.ExecuteNonQuery();
    }

    public long PrefixBytes(SqliteTransaction transaction, long throughSeq)
    {
        _prefixBytes.Transaction = transaction;
        _prefixBytes.Parameters[0].Value = throughSeq;
        return (long)_prefixBytes.ExecuteScalar()!;
    }

    public void Dispose()
    {
        _insert.Dispose();
        _scanOldest.Dispose();
        _deletePrefix.Dispose();
        _prefixBytes.Dispose();
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, string parameter)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add(parameter, SqliteType.Integer);
        return command;
    }

    private static byte[] AsArray(ReadOnlyMemory<byte> payload)
    {
        // Capture usually hands over a whole array: bind it as is. A slice has to be copied, since the SQLite
        // provider binds whole arrays only.
        if (MemoryMarshal.TryGetArray(payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length)
        {
            return segment.Array;
        }

        return payload.ToArray();
    }
}
