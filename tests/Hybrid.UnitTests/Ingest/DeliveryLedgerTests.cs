using FsCheck.Xunit;
using Hybrid.Functions.Ingest;

namespace Hybrid.UnitTests.Ingest;

public sealed class DeliveryLedgerTests
{
    private static readonly LedgerLimits Limits = new(MaxRanges: 3, MaxClosedGaps: 4);

    [Fact]
    public void Deliver_InOrder_MovesTheWatermarkAndKeepsNoRanges()
    {
        var ledger = DeliveryLedger.Empty.Deliver([new SeqRange(1, 100)], Limits, out var closed)
            .Deliver([new SeqRange(101, 200)], Limits, out var closedAgain);

        Assert.Equal(200, ledger.Watermark);
        Assert.Empty(ledger.Delivered);
        Assert.Equal(default, closed);
        Assert.Equal(default, closedAgain);
        Assert.Equal("200;;", ledger.Format());
    }

    [Fact]
    public void Deliver_OutOfOrder_KeepsRangesAboveTheWatermarkUntilTheHoleFills()
    {
        var ledger = DeliveryLedger.Empty.Deliver([new SeqRange(201, 300)], Limits, out _);

        Assert.Equal(0, ledger.Watermark);
        Assert.Equal(SeqState.New, ledger.StateOf(1));
        Assert.Equal(SeqState.Delivered, ledger.StateOf(250));
        Assert.Equal(SeqState.New, ledger.StateOf(301));

        ledger = ledger.Deliver([new SeqRange(1, 200)], Limits, out var closed);

        Assert.Equal(300, ledger.Watermark);
        Assert.Empty(ledger.Delivered);
        Assert.Equal(default, closed);
    }

    [Fact]
    public void Deliver_MoreRangesThanTheBound_ClosesTheOldestGapAndReportsIt()
    {
        var ledger = DeliveryLedger.Empty;
        foreach (var first in new long[] { 11, 21, 31 })
        {
            ledger = ledger.Deliver([new SeqRange(first, first + 4)], Limits, out var none);
            Assert.Equal(default, none);
        }

        ledger = ledger.Deliver([new SeqRange(41, 45)], Limits, out var closed);

        Assert.Equal(new GapClosure(1, 10), closed);
        Assert.Equal(15, ledger.Watermark);
        Assert.Equal([new SeqRange(21, 25), new SeqRange(31, 35), new SeqRange(41, 45)], ledger.Delivered);
        Assert.Equal([new SeqRange(1, 10)], ledger.ClosedGaps);
        Assert.Equal(SeqState.InClosedGap, ledger.StateOf(7));
        Assert.Equal(SeqState.Delivered, ledger.StateOf(12));
        Assert.Equal(SeqState.New, ledger.StateOf(16));
    }

    [Fact]
    public void SettleThrough_ClosesTheGapsBelowItAndAbsorbsTheRangesThere()
    {
        var ledger = DeliveryLedger.Empty.Deliver([new SeqRange(5, 6), new SeqRange(9, 9), new SeqRange(13, 20)], Limits, out _);

        ledger = ledger.SettleThrough(12, Limits, out var closed);

        Assert.Equal(20, ledger.Watermark);
        Assert.Empty(ledger.Delivered);
        Assert.Equal(new GapClosure(3, 4 + 2 + 3), closed);
        Assert.Equal([new SeqRange(1, 4), new SeqRange(7, 8), new SeqRange(10, 12)], ledger.ClosedGaps);
    }

    [Fact]
    public void SettleThrough_AtOrBelowTheWatermark_ChangesNothing()
    {
        var ledger = DeliveryLedger.Empty.Deliver([new SeqRange(1, 10)], Limits, out _);

        Assert.Same(ledger, ledger.SettleThrough(10, Limits, out var closed));
        Assert.Equal(default, closed);
    }

    [Fact]
    public void ClosedGaps_BeyondTheirBound_TheOldestAreForgotten()
    {
        var ledger = DeliveryLedger.Empty;
        for (long first = 2; first <= 20; first += 2)
        {
            ledger = ledger.Deliver([new SeqRange(first, first)], new LedgerLimits(0, 4), out _);
        }

        Assert.Equal(20, ledger.Watermark);
        Assert.Equal([new SeqRange(13, 13), new SeqRange(15, 15), new SeqRange(17, 17), new SeqRange(19, 19)], ledger.ClosedGaps);
        Assert.Equal(SeqState.Delivered, ledger.StateOf(1));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12")]
    [InlineData("12;;;")]
    [InlineData("x;;")]
    [InlineData("10;11-12;")]
    [InlineData("10;14-12;")]
    [InlineData("10;14-15,16-17;")]
    [InlineData("10;;5-11")]
    [InlineData("10;-3;")]
    public void TryParse_Malformed_ReturnsFalse(string text) =>
        Assert.False(DeliveryLedger.TryParse(text, out _));

    [Fact]
    public void Format_RoundTripsThroughTryParse()
    {
        var ledger = DeliveryLedger.Empty.Deliver([new SeqRange(3, 3), new SeqRange(7, 9), new SeqRange(20, 20), new SeqRange(30, 31)], Limits, out _);

        Assert.True(DeliveryLedger.TryParse(ledger.Format(), out var read));
        Assert.Equal("3;7-9,20,30-31;1-2", ledger.Format());
        Assert.Equal(ledger.Format(), read.Format());
    }

    /// <summary>
    /// Random batches of random seqs delivered in any order, with occasional settles, against a plain set of what was
    /// enqueued: nothing is ever enqueued twice; a seq never enqueued is never called a duplicate while the closed gaps
    /// it could lie in are remembered; and while no gap was closed every missing seq is still new.
    /// </summary>
    [Property(MaxTest = 300, StartSize = 5, EndSize = 80)]
    public bool AnyArrivalOrder_NeverEnqueuesTwiceAndNeverCallsAMissingSeqADuplicate((byte Start, byte Length, bool Settle)[] batches)
    {
        var limits = new LedgerLimits(MaxRanges: 4, MaxClosedGaps: 1000);
        var ledger = DeliveryLedger.Empty;
        var enqueued = new HashSet<long>();
        var anyClosed = false;
        foreach (var (start, length, settle) in batches ?? [])
        {
            if (settle)
            {
                ledger = ledger.SettleThrough(start, limits, out var closedBySettle);
                anyClosed |= closedBySettle.Gaps > 0;
            }
            else
            {
                var seqs = Enumerable.Range(start + 1, (length % 40) + 1).Select(s => (long)s).ToList();
                var fresh = seqs.Where(s => ledger.StateOf(s) == SeqState.New).ToList();
                if (fresh.Any(s => !enqueued.Add(s)))
                {
                    return false;
                }

                ledger = ledger.Deliver(SeqRange.Of(fresh), limits, out var closed);
                anyClosed |= closed.Gaps > 0;
            }

            Assert.True(DeliveryLedger.TryParse(ledger.Format(), out var read));
            Assert.Equal(ledger.Format(), read.Format());
            Assert.True(ledger.Delivered.Count <= limits.MaxRanges);
            for (long seq = 1; seq <= 300; seq++)
            {
                var state = ledger.StateOf(seq);
                if (enqueued.Contains(seq) ? state != SeqState.Delivered : state == SeqState.Delivered || (!anyClosed && state != SeqState.New))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
