using Hybrid.Edge.Store;

namespace Hybrid.Edge.Uplink;

/// <summary>Finding a seq in a batch, which is in seq order.</summary>
internal static class BatchSeqs
{
    /// <summary>The index of <paramref name="seq"/> in <paramref name="batch"/>, or a negative number when it is not there.</summary>
    public static int IndexOf(ReadOnlySpan<StoredReading> batch, long seq) => batch.BinarySearch(new SeqKey(seq));

    private readonly struct SeqKey(long seq) : IComparable<StoredReading>
    {
        public int CompareTo(StoredReading? other) => seq.CompareTo(other!.Seq);
    }
}
