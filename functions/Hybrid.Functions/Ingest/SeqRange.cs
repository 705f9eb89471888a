using System.Globalization;

namespace Hybrid.Functions.Ingest;

/// <summary>The seqs <paramref name="First"/>..<paramref name="Last"/>, both included (<c>First ≤ Last</c>).</summary>
internal readonly record struct SeqRange(long First, long Last)
{
    public long Count => Last - First + 1;

    public bool Contains(long seq) => seq >= First && seq <= Last;

    public override string ToString() => First == Last
        ? First.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{First}-{Last}");

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

    /// <summary>Reads comma-separated ascending ranges separated by at least one seq, the first starting at <paramref name="minimum"/> or later.</summary>
    public static bool TryParseList(string text, long minimum, out SeqRange[] ranges)
    {
        ranges = [];
        if (text.Length == 0)
        {
            return true;
        }

        var parsed = new List<SeqRange>();
        foreach (var part in text.Split(','))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var firstText = dash < 0 ? part : part[..dash];
            var lastText = dash < 0 ? part : part[(dash + 1)..];
            if (!long.TryParse(firstText, NumberStyles.None, CultureInfo.InvariantCulture, out var first)
                || !long.TryParse(lastText, NumberStyles.None, CultureInfo.InvariantCulture, out var last)
                || first > last || first < minimum)
            {
                return false;
            }

            parsed.Add(new SeqRange(first, last));
            minimum = last + 2;
        }

        ranges = [.. parsed];
        return true;
    }

    /// <summary>Index of the range in sorted, disjoint <paramref name="ranges"/> that holds <paramref name="seq"/>, or a negative number.</summary>
    public static int IndexOf(ReadOnlySpan<SeqRange> ranges, long seq) => ranges.BinarySearch(new Finder(seq));

    /// <summary>Orders a seq against a range: before it, inside it or after it.</summary>
    private readonly struct Finder(long seq) : IComparable<SeqRange>
    {
        public int CompareTo(SeqRange other) => seq < other.First ? -1 : seq > other.Last ? 1 : 0;
    }
}
