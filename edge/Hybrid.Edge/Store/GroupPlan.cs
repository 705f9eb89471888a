namespace Hybrid.Edge.Store;

/// <summary>
/// What one open transaction will change, per lane and in drop counters; published to <see cref="LaneState"/> and
/// <see cref="StoreCounters"/> only after the commit, so readers never see an uncommitted head. Reused per group.
/// </summary>
internal sealed class GroupPlan
{
    public LanePlan High { get; } = new();

    public LanePlan Normal { get; } = new();

    /// <summary>Drops by <see cref="DropReason"/>.</summary>
    public long[] Drops { get; } = new long[Enum.GetValues<DropReason>().Length];

    /// <summary>Bytes of the readings appended.</summary>
    public long WrittenBytes => High.AppendedBytes + Normal.AppendedBytes;

    public long TotalRows => High.Rows + Normal.Rows;

    public long TotalBytes => High.Bytes + Normal.Bytes;

    public LanePlan this[Lane lane] => lane == Lane.High ? High : Normal;

    public void Reset(IReadOnlyList<LaneState> lanes)
    {
        High.Reset(lanes[(int)Lane.High]);
        Normal.Reset(lanes[(int)Lane.Normal]);
        Array.Clear(Drops);
    }
}

/// <summary>One lane's part of a <see cref="GroupPlan"/>: the seqs it will hold and the bytes appended and deleted.</summary>
internal sealed class LanePlan
{
    private long _baseBytes;
    private long _baseFirst;

    /// <summary>The head seq after the transaction.</summary>
    public long Head { get; private set; }

    /// <summary>The first seq held after the transaction.</summary>
    public long First { get; private set; }

    public long Appended { get; private set; }

    public long AppendedBytes { get; private set; }

    public long DeletedBytes { get; private set; }

    /// <summary>Rows the transaction deletes (a prefix).</summary>
    public long Deleted => First - _baseFirst;

    public long Rows => Math.Max(0, Head - First + 1);

    public long Bytes => _baseBytes + AppendedBytes - DeletedBytes;

    public void Reset(LaneState lane)
    {
        Head = lane.HeadSeq;
        First = _baseFirst = lane.FirstSeq;
        _baseBytes = lane.Bytes;
        Appended = AppendedBytes = DeletedBytes = 0;
    }

    /// <summary>Takes the next seq for a reading of <paramref name="bytes"/>.</summary>
    public long Append(long bytes)
    {
        Appended++;
        AppendedBytes += bytes;
        return ++Head;
    }

    /// <summary>Records that the prefix through <paramref name="throughSeq"/> (holding <paramref name="bytes"/>) is deleted.</summary>
    public void DeletePrefix(long throughSeq, long bytes)
    {
        First = throughSeq + 1;
        DeletedBytes += bytes;
    }

    /// <summary>Publishes the committed change to <paramref name="lane"/>; true when it appended.</summary>
    public bool ApplyTo(LaneState lane)
    {
        if (Deleted > 0)
        {
            lane.PrefixDeleted(First - 1, DeletedBytes);
        }

        if (Appended > 0)
        {
            lane.Appended(Head, AppendedBytes);
            return true;
        }

        return false;
    }
}
