namespace Hybrid.Edge.Store;

/// <summary>
/// What the store knows about one lane's log without asking SQLite. Invariant: the log holds exactly the seqs
/// <see cref="FirstSeq"/>..<see cref="HeadSeq"/> (the writer appends consecutive seqs and only prefixes are deleted),
/// so backlogs are differences of seqs. Only the writer changes it; readers see <see cref="HeadSeq"/> after the commit.
/// </summary>
internal sealed class LaneState(Lane lane, string epoch, long firstSeq, long headSeq, long rows, long bytes)
{
    private long _headSeq = headSeq;
    private long _firstSeq = firstSeq;
    private long _rows = rows;
    private long _bytes = bytes;

    public Lane Lane { get; } = lane;

    public string Epoch { get; } = epoch;

    /// <summary>The highest committed seq (0 before the first reading). Published after the commit.</summary>
    public long HeadSeq => Volatile.Read(ref _headSeq);

    /// <summary>The lowest seq still in the log (HeadSeq + 1 when empty).</summary>
    public long FirstSeq => Volatile.Read(ref _firstSeq);

    public long Rows => Volatile.Read(ref _rows);

    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Readings after <paramref name="cursor"/> still in the log.</summary>
    public long BacklogAfter(long cursor) => Math.Max(0, HeadSeq - Math.Max(cursor, FirstSeq - 1));

    public void Appended(long headSeq, long rows, long bytes)
    {
        if (Rows == 0)
        {
            Volatile.Write(ref _firstSeq, headSeq - rows + 1);
        }

        Volatile.Write(ref _rows, Rows + rows);
        Volatile.Write(ref _bytes, Bytes + bytes);
        Volatile.Write(ref _headSeq, headSeq);
    }

    public void PrefixDeleted(long throughSeq, long rows, long bytes)
    {
        Volatile.Write(ref _firstSeq, throughSeq + 1);
        Volatile.Write(ref _rows, Rows - rows);
        Volatile.Write(ref _bytes, Bytes - bytes);
    }
}
