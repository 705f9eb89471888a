namespace Hybrid.Edge.Store;

/// <summary>
/// What the store knows about one lane's log without asking SQLite. Invariant: the log holds exactly the seqs
/// <see cref="FirstSeq"/>..<see cref="HeadSeq"/> (the writer appends consecutive seqs and only prefixes are deleted),
/// so row counts and backlogs are differences of seqs. Only the writer changes it; readers see
/// <see cref="HeadSeq"/> after the commit.
/// </summary>
internal sealed class LaneState(Lane lane, string epoch, long firstSeq, long headSeq, long bytes)
{
    private long _headSeq = headSeq;
    private long _firstSeq = firstSeq;
    private long _bytes = bytes;

    public Lane Lane { get; } = lane;

    public string Epoch { get; } = epoch;

    /// <summary>The highest committed seq (0 before the first reading). Published after the commit.</summary>
    public long HeadSeq => Volatile.Read(ref _headSeq);

    /// <summary>The lowest seq still in the log (HeadSeq + 1 when empty).</summary>
    public long FirstSeq => Volatile.Read(ref _firstSeq);

    /// <summary>Rows in the log, from the invariant.</summary>
    public long Rows => Math.Max(0, HeadSeq - FirstSeq + 1);

    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Readings after <paramref name="cursor"/> still in the log.</summary>
    public long BacklogAfter(long cursor) => Math.Max(0, HeadSeq - Math.Max(cursor, FirstSeq - 1));

    /// <summary>After a commit that appended through <paramref name="headSeq"/> (an empty lane's first seq is already head + 1).</summary>
    public void Appended(long headSeq, long bytes)
    {
        Volatile.Write(ref _bytes, Bytes + bytes);
        Volatile.Write(ref _headSeq, headSeq);
    }

    /// <summary>After a commit that deleted the prefix through <paramref name="throughSeq"/>.</summary>
    public void PrefixDeleted(long throughSeq, long bytes)
    {
        Volatile.Write(ref _firstSeq, throughSeq + 1);
        Volatile.Write(ref _bytes, Bytes - bytes);
    }
}
