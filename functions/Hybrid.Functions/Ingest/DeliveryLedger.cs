using System.Globalization;
using System.Text;

namespace Hybrid.Functions.Ingest;

/// <summary>
/// What one <c>(device, epoch)</c> has enqueued, exact for any arrival order in bounded state: every seq up to
/// <see cref="Watermark"/> is settled, <see cref="Delivered"/> holds the ranges enqueued above it, and
/// <see cref="ClosedGaps"/> the latest gaps the watermark was moved over without their seqs having been enqueued.
/// <para>
/// The watermark moves over a gap only when <see cref="LedgerLimits.MaxRanges"/> would be exceeded (the oldest gap
/// goes) or when the sender says it settled those seqs itself (<c>settledThrough</c>: dead letters, capacity drops).
/// Each closure is returned to the caller to be logged and counted, and a late seq inside a remembered closed gap is
/// <see cref="SeqState.InClosedGap"/>, never mistaken for a duplicate: the only way an out-of-order reading can be
/// lost is visible and bounded.
/// </para>
/// Immutable: every change returns a new ledger, so a conditional write that loses its race leaves nothing to undo.
/// </summary>
internal sealed class DeliveryLedger
{
    private readonly SeqRange[] _delivered;
    private readonly SeqRange[] _closedGaps;

    private DeliveryLedger(long watermark, SeqRange[] delivered, SeqRange[] closedGaps)
    {
        Watermark = watermark;
        _delivered = delivered;
        _closedGaps = closedGaps;
    }

    /// <summary>Nothing enqueued yet.</summary>
    public static DeliveryLedger Empty { get; } = new(0, [], []);

    /// <summary>Everything through <paramref name="watermark"/> settled, nothing known above it (state written before ranges existed).</summary>
    public static DeliveryLedger Through(long watermark) => watermark <= 0 ? Empty : new(watermark, [], []);

    /// <summary>Every seq up to here is settled: enqueued, or in a closed gap.</summary>
    public long Watermark { get; }

    /// <summary>Ranges enqueued above <see cref="Watermark"/>, ascending, separated by at least one missing seq.</summary>
    public IReadOnlyList<SeqRange> Delivered => _delivered;

    /// <summary>The latest gaps closed without their seqs, ascending (all at or below <see cref="Watermark"/>).</summary>
    public IReadOnlyList<SeqRange> ClosedGaps => _closedGaps;

    /// <summary>Whether <paramref name="seq"/> would be new, a duplicate or late for a closed gap.</summary>
    public SeqState StateOf(long seq)
    {
        if (seq > Watermark)
        {
            return SeqRange.IndexOf(_delivered, seq) >= 0 ? SeqState.Delivered : SeqState.New;
        }

        return SeqRange.IndexOf(_closedGaps, seq) >= 0 ? SeqState.InClosedGap : SeqState.Delivered;
    }

    /// <summary>
    /// Adds the enqueued <paramref name="ranges"/> (ascending, all <see cref="SeqState.New"/>): the watermark moves over
    /// the contiguous prefix, then over the oldest gaps while more than <see cref="LedgerLimits.MaxRanges"/> remain.
    /// </summary>
    public DeliveryLedger Deliver(IReadOnlyList<SeqRange> ranges, LedgerLimits limits, out GapClosure closed)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(limits);
        var merged = Merge(_delivered, ranges);
        return Settle(Watermark, merged, 0, limits, out closed);
    }

    /// <summary>
    /// The sender settled every seq through <paramref name="seq"/> on its side: the watermark moves there, and the
    /// gaps below it that were never enqueued are closed.
    /// </summary>
    public DeliveryLedger SettleThrough(long seq, LedgerLimits limits, out GapClosure closed)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (seq <= Watermark)
        {
            closed = default;
            return this;
        }

        return Settle(Watermark, [.. _delivered], seq, limits, out closed);
    }

    /// <summary>The ledger as one Table property: <c>watermark;delivered;closed</c>, ranges as <c>a-b</c> or <c>a</c>, comma separated.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        text.Append(Watermark.ToString(CultureInfo.InvariantCulture)).Append(';');
        text.AppendJoin(',', _delivered).Append(';');
        return text.AppendJoin(',', _closedGaps).ToString();
    }

    public override bool Equals(object? obj) => obj is DeliveryLedger other && Format() == other.Format();

    public override int GetHashCode() => Format().GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Format();

    /// <summary>Reads <see cref="Format"/>'s text back; false when it is not a well-formed ledger.</summary>
    public static bool TryParse(string? text, out DeliveryLedger ledger)
    {
        ledger = Empty;
        var parts = text?.Split(';');
        if (parts is not { Length: 3 } || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var watermark)
            || !SeqRange.TryParseList(parts[1], watermark + 2, out var delivered)
            || !SeqRange.TryParseList(parts[2], 1, out var closedGaps)
            || (closedGaps.Length > 0 && closedGaps[^1].Last > watermark))
        {
            return false;
        }

        ledger = new DeliveryLedger(watermark, delivered, closedGaps);
        return true;
    }

    private DeliveryLedger Settle(long watermark, List<SeqRange> ranges, long settledThrough, LedgerLimits limits, out GapClosure closed)
    {
        var closedGaps = new List<SeqRange>(_closedGaps);
        var gaps = 0;
        var seqs = 0L;
        void Close(long first, long last)
        {
            if (first > last)
            {
                return;
            }

            // A gap closed right after another (settledThrough, then the bound) extends it: the list stays disjoint.
            if (closedGaps.Count > 0 && closedGaps[^1].Last + 1 == first)
            {
                closedGaps[^1] = closedGaps[^1] with { Last = last };
            }
            else
            {
                closedGaps.Add(new SeqRange(first, last));
            }

            gaps++;
            seqs += last - first + 1;
        }

        var next = 0;
        void Absorb(long through)
        {
            while (next < ranges.Count && ranges[next].First <= Math.Max(watermark + 1, through))
            {
                Close(watermark + 1, ranges[next].First - 1);
                watermark = Math.Max(watermark, ranges[next].Last);
                next++;
            }
        }

        Absorb(settledThrough);
        Close(watermark + 1, settledThrough);
        watermark = Math.Max(watermark, settledThrough);
        Absorb(0);
        while (ranges.Count - next > limits.MaxRanges)
        {
            Close(watermark + 1, ranges[next].First - 1);
            watermark = ranges[next].Last;
            next++;
        }

        closed = new GapClosure(gaps, seqs);
        var keptGaps = closedGaps.Count > limits.MaxClosedGaps ? closedGaps[^limits.MaxClosedGaps..] : closedGaps;
        return new DeliveryLedger(watermark, [.. ranges.Skip(next)], [.. keptGaps]);
    }

    /// <summary>Sorted union of two ascending range lists, overlapping and adjacent ranges joined.</summary>
    private static List<SeqRange> Merge(SeqRange[] existing, IReadOnlyList<SeqRange> added)
    {
        var merged = new List<SeqRange>(existing.Length + added.Count);
        int i = 0, j = 0;
        while (i < existing.Length || j < added.Count)
        {
            var take = j >= added.Count || (i < existing.Length && existing[i].First <= added[j].First) ? existing[i++] : added[j++];
            if (merged.Count > 0 && take.First <= merged[^1].Last + 1)
            {
                merged[^1] = merged[^1] with { Last = Math.Max(merged[^1].Last, take.Last) };
            }
            else
            {
                merged.Add(take);
            }
        }

        return merged;
    }
}
