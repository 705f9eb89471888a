namespace Hybrid.Functions.Ingest;

/// <summary>The seqs <paramref name="First"/>..<paramref name="Last"/>, both included (<c>First ≤ Last</c>).</summary>
internal readonly record struct SeqRange(long First, long Last)
{
    public long Count => Last - First + 1;

    public bool Contains(long seq) => seq >= First && seq <= Last;

    public override string ToString() => First == Last
        ? First.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{First}-{Last}");

    /// <summary>The ranges of ascending <paramref name="seqs"/> (repeats allowed), adjacent seqs joined.</summary>
    public static List<SeqRange> Of(IEnumerable<long> seqs)
    {
        ArgumentNullException.ThrowIfNull(seqs);
        var ranges = new List<SeqRange>();
        foreach (var seq in seqs)
        {
            if (ranges.Count > 0 && seq <= ranges[^1].Last + 1)
            {
                if (seq < ranges[^1].First)
                {
                    throw new ArgumentException("seqs must ascend", nameof(seqs));
                }

                ranges[^1] = ranges[^1] with { Last = Math.Max(ranges[^1].Last, seq) };
            }
            else
            {
                ranges.Add(new SeqRange(seq, seq));
            }
        }

        return ranges;
    }

    /// <summary>Index of the range in sorted, disjoint <paramref name="ranges"/> that holds <paramref name="seq"/>, or a negative number.</summary>
    public static int IndexOf(ReadOnlySpan<SeqRange> ranges, long seq) => ranges.BinarySearch(new Finder(seq));

    /// <summary>Orders a seq against a range: before it, inside it or after it.</summary>
    private readonly struct Finder(long seq) : IComparable<SeqRange>
    {
        public int CompareTo(SeqRange other) => seq < other.First ? -1 : seq > other.Last ? 1 : 0;
    }
}
