using Hybrid.Functions.Ingest;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Hybrid.UnitTests.Ingest.IngestTestData;

namespace Hybrid.UnitTests.Ingest;

public sealed class WatermarkCoordinatorTests
{
    private readonly InMemoryWatermarkStore _store = new();
    private readonly FakeTimeProvider _time = new(Now);

    [Fact]
    public async Task Claim_NoEntity_InsertsAClaimOnTheBatchsSeqs()
    {
        var claim = await CreateSut().ClaimAsync("pi", Epoch, Seqs(1, 10), default);

        Assert.Equal(ClaimOutcome.Claimed, claim.Outcome);
        Assert.Equal(0, claim.Watermark);
        Assert.Equal(State(0, claim.ClaimId, 10, Now.AddSeconds(60)), _store["pi", Epoch]);
    }

    [Fact]
    public async Task Claim_WhileAnotherClaimIsLive_IsBusyUntilItExpires()
    {
        var sut = CreateSut();
        var first = await sut.ClaimAsync("pi", Epoch, Seqs(1, 10), default);

        _time.Advance(TimeSpan.FromSeconds(59));
        var second = await sut.ClaimAsync("pi", Epoch, Seqs(1, 20), default);
        _time.Advance(TimeSpan.FromSeconds(2));
        var third = await sut.ClaimAsync("pi", Epoch, Seqs(1, 20), default);

        Assert.Equal(ClaimOutcome.Busy, second.Outcome);
        Assert.Equal([new SeqRange(1, 10)], second.Seqs);
        Assert.Equal(ClaimOutcome.Claimed, third.Outcome);
        Assert.NotEqual(first.ClaimId, third.ClaimId);
        Assert.Equal([new SeqRange(1, 20)], _store["pi", Epoch]!.ClaimSeqs);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Claim_WriteStoredButAnswerLost_RecognisesItsOwnClaimInsteadOfBlockingTheDevice(bool entityExists)
    {
        var sut = CreateSut();
        if (entityExists)
        {
            await sut.CompleteAsync("pi", Epoch, await sut.ClaimAsync("pi", Epoch, Seqs(1, 5), default), 0, default);
        }

        _store.LoseNextWriteAnswer = true;
        var claim = await sut.ClaimAsync("pi", Epoch, Seqs(1, 10), default);
        var (ledger, _) = await sut.CompleteAsync("pi", Epoch, claim, 0, default);

        Assert.Equal(ClaimOutcome.Claimed, claim.Outcome);
        Assert.Equal(10, ledger.Watermark);
        Assert.Equal(State(10), _store["pi", Epoch]);
    }

    [Fact]
    public async Task Complete_RecordsTheSeqsAndClearsTheClaim_ThenHeldSeqsNeedNoStorageCall()
    {
        var sut = CreateSut();
        var claim = await sut.ClaimAsync("pi", Epoch, Seqs(1, 10), default);

        var (ledger, closed) = await sut.CompleteAsync("pi", Epoch, claim, 0, default);
        var (writes, reads) = (_store.Writes, _store.Reads);
        var again = await sut.ClaimAsync("pi", Epoch, Seqs(1, 10), default);

        Assert.Equal((10L, default(GapClosure)), (ledger.Watermark, closed));
        Assert.Equal(State(10), _store["pi", Epoch]);
        Assert.Equal(ClaimOutcome.Covered, again.Outcome);
        Assert.Equal((writes, reads), (_store.Writes, _store.Reads));
    }

    [Fact]
    public async Task Claim_OutOfOrderSeqs_ClaimsOnlyTheOnesTheLedgerLacks()
    {
        var sut = CreateSut();
        await sut.CompleteAsync("pi", Epoch, await sut.ClaimAsync("pi", Epoch, [5, 6, 9], default), 0, default);

        var claim = await sut.ClaimAsync("pi", Epoch, Seqs(4, 10), default);

        Assert.Equal([new SeqRange(4, 4), new SeqRange(7, 8), new SeqRange(10, 10)], claim.Seqs);
        var (ledger, _) = await sut.CompleteAsync("pi", Epoch, claim, 0, default);
        Assert.Equal("0;4-10;", ledger.Format());
    }

    [Fact]
    public async Task Complete_WithSettledThrough_ClosesTheGapsBelowItAndReportsThem()
    {
        var sut = CreateSut();
        var claim = await sut.ClaimAsync("pi", Epoch, [3, 4, 8], default);

        var (ledger, closed) = await sut.CompleteAsync("pi", Epoch, claim, 6, default);

        Assert.Equal(new GapClosure(2, 4), closed);
        Assert.Equal("6;8;1-2,5-6", ledger.Format());
        Assert.Equal(SeqState.InClosedGap, ledger.StateOf(6));
    }

    [Fact]
    public async Task Complete_AfterTakeover_MergesItsSeqsAndKeepsTheOtherClaim()
    {
        var sut = CreateSut();
        var slow = await sut.ClaimAsync("pi", Epoch, Seqs(1, 10), default);
        _time.Advance(TimeSpan.FromSeconds(61));
        var taker = await sut.ClaimAsync("pi", Epoch, Seqs(1, 8), default);

        var (afterSlow, _) = await sut.CompleteAsync("pi", Epoch, slow, 0, default);
        var stillClaimed = _store["pi", Epoch]!;
        var (afterTaker, _) = await sut.CompleteAsync("pi", Epoch, taker, 0, default);

        Assert.Equal(ClaimOutcome.Claimed, taker.Outcome);
        Assert.Equal(10, afterSlow.Watermark);
        Assert.Equal(taker.ClaimId, stillClaimed.ClaimId);
        // The taker's write lost too: it re-read, found its seqs held, and dropped its own claim.
        Assert.Equal(10, afterTaker.Watermark);
        Assert.Equal(State(10), _store["pi", Epoch]);
    }

    [Fact]
    public async Task Release_RecordsTheEnqueuedSeqsAndFreesTheClaim()
    {
        var sut = CreateSut();
        var claim = await sut.ClaimAsync("pi", Epoch, Seqs(1, 10), default);

        await sut.ReleaseAsync("pi", Epoch, claim, [new SeqRange(1, 6)], default);
        var retry = await sut.ClaimAsync("pi", Epoch, Seqs(1, 10), default);

        Assert.Equal(ClaimOutcome.Claimed, retry.Outcome);
        Assert.Equal(6, retry.Watermark);
        Assert.Equal([new SeqRange(7, 10)], retry.Seqs);
    }

    [Fact]
    public async Task Release_StorageDown_LeavesTheClaimToExpire()
    {
        var sut = CreateSut();
        var claim = await sut.ClaimAsync("pi", Epoch, Seqs(1, 10), default);
        _store.Down = true;

        await sut.ReleaseAsync("pi", Epoch, claim, [new SeqRange(1, 6)], default);
        _store.Down = false;

        Assert.Equal(ClaimOutcome.Busy, (await sut.ClaimAsync("pi", Epoch, Seqs(1, 10), default)).Outcome);
    }

    [Fact]
    public async Task Claim_AfterOurOwnCompletion_SkipsTheReadAndStillWritesConditionally()
    {
        var sut = CreateSut();
        await sut.CompleteAsync("pi", Epoch, await sut.ClaimAsync("pi", Epoch, Seqs(1, 10), default), 0, default);
        var reads = _store.Reads;

        var next = await sut.ClaimAsync("pi", Epoch, Seqs(11, 20), default);

        Assert.Equal(reads, _store.Reads);
        Assert.Equal((ClaimOutcome.Claimed, 10L), (next.Outcome, next.Watermark));
        Assert.Equal(next.ClaimId, _store["pi", Epoch]!.ClaimId);
    }

    [Fact]
    public async Task Claim_RememberedEntryOutdatedByAnotherInstance_ReadsAndClaimsOnlyWhatTheirLedgerLacks()
    {
        var instanceA = CreateSut();
        var instanceB = CreateSut();
        await instanceA.CompleteAsync("pi", Epoch, await instanceA.ClaimAsync("pi", Epoch, Seqs(1, 10), default), 0, default);
        await instanceB.CompleteAsync("pi", Epoch, await instanceB.ClaimAsync("pi", Epoch, Seqs(11, 20), default), 0, default);

        // A remembers 1-10; its conditional write fails on B's newer ETag, so it reads and sees 1-20.
        var covered = await instanceA.ClaimAsync("pi", Epoch, Seqs(11, 15), default);
        var claim = await instanceA.ClaimAsync("pi", Epoch, Seqs(11, 30), default);

        Assert.Equal((ClaimOutcome.Covered, 20L), (covered.Outcome, covered.Watermark));
        Assert.Equal((ClaimOutcome.Claimed, 20L), (claim.Outcome, claim.Watermark));
        Assert.Equal(State(20, claim.ClaimId, 30, Now.AddSeconds(60)), _store["pi", Epoch]);
    }

    private WatermarkCoordinator CreateSut() => new(_store, Microsoft.Extensions.Options.Options.Create(new IngestOptions()), _time, NullLogger<WatermarkCoordinator>.Instance);
}
