using Microsoft.Data.Sqlite;

namespace Hybrid.Edge.Store;

/// <summary>The seqs a lane's log holds and their bytes, as the file says; read by the store at open and by <c>status</c>.</summary>
internal readonly record struct LaneExtent(long FirstSeq, long HeadSeq, long Bytes)
{
    /// <summary>Rows held, from the log's invariant (consecutive seqs, prefix deletes only).</summary>
    public long Rows => Math.Max(0, HeadSeq - FirstSeq + 1);

    /// <summary>
    /// Reads <paramref name="lane"/>'s extent: the head is the highest seq ever used (deleting every row never lets a
    /// seq be reused); an empty log starts after it. Null when the <c>lanes</c> row is missing.
    /// </summary>
    public static LaneExtent? Read(SqliteConnection connection, Lane lane)
    {
        using var command = connection.CreateCommand();
        command.CommandText = StoreSql.LoadLane(lane);
        command.Parameters.AddWithValue("$lane", (int)lane);
        using var reader = command.ExecuteReader();
        reader.Read();
        if (reader.IsDBNull(0))
        {
            return null;
        }

        var empty = reader.IsDBNull(1);
        var head = Math.Max(reader.GetInt64(0), empty ? 0 : reader.GetInt64(2));
        return new LaneExtent(empty ? head + 1 : reader.GetInt64(1), head, reader.GetInt64(3));
    }
}
