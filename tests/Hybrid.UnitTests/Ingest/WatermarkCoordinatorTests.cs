using Hybrid.Functions.Ingest;
using Hybrid.Testing;
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

    [Fact]
    public async Task Complete_WithRecordDelay_AnswersBeforeRecordingAndTheNextClaimRecordsAndClaimsInOneWrite()
    {
        var sut = CreateSut(Deferred());
        var (ledger, _) = await sut.CompleteAsync("pi", Epoch, await sut.ClaimAsync("pi", Epoch, Seqs(1, 10), default), 0, default);
        var (writes, reads) = (_store.Writes, _store.Reads);
        var claimStillLive = _store["pi", Epoch]!.ClaimId;

        var next = await sut.ClaimAsync("pi", Epoch, Seqs(11, 20), default);

        Assert.Equal(10, ledger.Watermark);
        Assert.Equal(1, writes);
        Assert.NotNull(claimStillLive);
        Assert.Equal((ClaimOutcome.Claimed, 10L), (next.Outcome, next.Watermark));
        Assert.Equal((2, reads), (_store.Writes, _store.Reads));
        Assert.Equal(State(10, next.ClaimId, 20, Now.AddSeconds(60)), _store["pi", Epoch]);
    }

    [Fact]
    public async Task Complete_WithRecordDelay_NoNextBatch_RecordsOnItsOwnWhenTheDelayPasses()
    {
        var sut = CreateSut(Deferred());
        await sut.CompleteAsync("pi", Epoch, await sut.ClaimAsync("pi", Epoch, Seqs(1, 10), default), 0, default);

        _time.Advance(TimeSpan.FromMilliseconds(49));
        var before = _store["pi", Epoch];
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.NotNull(before!.ClaimId);
        await Eventually.UntilAsync(() => _store["pi", Epoch] == State(10), TimeSpan.FromSeconds(10), () => $"stored {_store["pi", Epoch]}");
        Assert.Equal(2, _store.Writes);
    }

    [Fact]
    public async Task Complete_WithRecordDelay_DuplicatesOfParkedSeqsAreCoveredWithoutAStorageCall()
    {
        var sut = CreateSut(Deferred());
        await sut.CompleteAsync("pi", Epoch, await sut.ClaimAsync("pi", Epoch, Seqs(1, 10), default), 0, default);
        var (writes, reads) = (_store.Writes, _store.Reads);

        var again = await sut.ClaimAsync("pi", Epoch, Seqs(3, 7), default);

        Assert.Equal((ClaimOutcome.Covered, 10L), (again.Outcome, again.Watermark));
        Assert.Equal((writes, reads), (_store.Writes, _store.Reads));
    }

    [Fact]
    public async Task Claim_AnotherInstancesRecordIsParked_WaitsForItInsteadOfAnsweringBusy()
    {
        var instanceA = CreateSut(Deferred());
        var instanceB = CreateSut(Deferred(deviceWait: TimeSpan.FromSeconds(2)));
        await instanceA.CompleteAsync("pi", Epoch, await instanceA.ClaimAsync("pi", Epoch, Seqs(1, 10), default), 0, default);

        var claiming = instanceB.ClaimAsync("pi", Epoch, Seqs(11, 20), default);
        var claim = await _time.RunUntilDoneAsync(claiming, 100, TimeSpan.FromMilliseconds(5));
        Assert.Equal((ClaimOutcome.Claimed, 10L), (claim.Outcome, claim.Watermark));
        Assert.Equal(State(10, claim.ClaimId, 20, _time.GetUtcNow().AddSeconds(60)), _store["pi", Epoch]);
    }

    [Fact]
    public async Task Claim_AnotherInstancesClaimOutlastsDeviceWait_IsBusy()
    {
        var instanceA = CreateSut(Deferred());
        var instanceB = CreateSut(Deferred(deviceWait: TimeSpan.FromMilliseconds(100)));
        var held = await instanceA.ClaimAsync("pi", Epoch, Seqs(1, 10), default);

        var claiming = instanceB.ClaimAsync("pi", Epoch, Seqs(1, 20), default);
        var claim = await _time.RunUntilDoneAsync(claiming, 100, TimeSpan.FromMilliseconds(5));
        Assert.Equal(ClaimOutcome.Busy, claim.Outcome);
        Assert.Equal(held.Seqs, claim.Seqs);
        Assert.InRange(_time.GetUtcNow() - Now, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task Claim_NextBatchOnAParkedClaim_IsSentWhileTheWriteIsMadeAndConfirmedAfterwards()
    {
        var sut = CreateSut(Deferred());
        await sut.CompleteAsync("pi", Epoch, await sut.ClaimAsync("pi", Epoch, Seqs(1, 10), default), 0, default);
        var parkedExpiry = _store["pi", Epoch]!.ClaimExpires;

        var next = await sut.ClaimAsync("pi", Epoch, Seqs(11, 20), default);
        var (confirmed, ledger) = await sut.ConfirmAsync("pi", Epoch, next, [new SeqRange(11, 20)], default);

        // Sends may start at once: the parked claim (ours, live) bounds them; the confirmed claim carries the new ETag.
        Assert.Equal((ClaimOutcome.Claimed, null, parkedExpiry), (next.Outcome, next.ETag, next.Expires));
        Assert.Equal([new SeqRange(11, 20)], next.Seqs);
        Assert.Equal((next.ClaimId, 10L), (confirmed!.ClaimId, ledger.Watermark));
        Assert.NotNull(confirmed.ETag);
        Assert.Equal(State(10, next.ClaimId, 20, Now.AddSeconds(60)), _store["pi", Epoch]);
    }

    [Fact]
    public async Task Confirm_ParkedClaimTakenOverMeanwhile_MergesBothBatchesSeqsWithoutAClaim()
    {
        var sut = CreateSut(Deferred());
        await sut.CompleteAsync("pi", Epoch, await sut.ClaimAsync("pi", Epoch, Seqs(1, 10), default), 0, default);
        var entry = await _store.GetAsync("pi", Epoch, default);
        await _store.TryReplaceAsync("pi", Epoch, WatermarkState.Settled(DeliveryLedger.Empty), entry!.ETag, default);

        var next = await sut.ClaimAsync("pi", Epoch, Seqs(11, 20), default);
        var (confirmed, ledger) = await sut.ConfirmAsync("pi", Epoch, next, [new SeqRange(11, 20)], default);

        Assert.Null(confirmed);
        Assert.Equal(20, ledger.Watermark);
        Assert.Equal(State(20), _store["pi", Epoch]);
    }

    [Fact]
    public async Task Confirm_StorageDown_KeepsBothBatchesSeqsParkedForTheRetry()
    {
        var sut = CreateSut(Deferred());
        await sut.CompleteAsync("pi", Epoch, await sut.ClaimAsync("pi", Epoch, Seqs(1, 10), default), 0, default);

        _store.Down = true;
        var next = await sut.ClaimAsync("pi", Epoch, Seqs(11, 20), default);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => sut.ConfirmAsync("pi", Epoch, next, [new SeqRange(11, 15)], default));
        _store.Down = false;
        var retry = await sut.ClaimAsync("pi", Epoch, Seqs(11, 20), default);
        var (confirmed, _) = await sut.ConfirmAsync("pi", Epoch, retry, [new SeqRange(16, 20)], default);

        // 11-15 went out before storage failed: the retry claims only 16-20, and its write records 1-15.
        Assert.Equal([new SeqRange(16, 20)], retry.Seqs);
        Assert.Equal(15, confirmed!.Watermark);
        Assert.Equal(State(15, retry.ClaimId, 20, Now.AddSeconds(60)), _store["pi", Epoch]);
    }

    [Fact]
    public async Task Complete_WithRecordDelay_StorageDownWhenTheDelayPasses_KeepsTheSeqsParkedForTheNextClaim()
    {
        var sut = CreateSut(Deferred());
        await sut.CompleteAsync("pi", Epoch, await sut.ClaimAsync("pi", Epoch, Seqs(1, 10), default), 0, default);

        _store.Down = true;
        // The fake clock runs the timer's failed write inline: it is re-parked when Advance returns.
        _time.Advance(TimeSpan.FromMilliseconds(50));
        _store.Down = false;
        var next = await sut.ClaimAsync("pi", Epoch, Seqs(11, 20), default);

        Assert.Equal((ClaimOutcome.Claimed, 10L), (next.Outcome, next.Watermark));
        Assert.Equal(State(10, next.ClaimId, 20, Now.AddMilliseconds(50).AddSeconds(60)), _store["pi", Epoch]);
    }

    [Fact]
    public async Task RecordParked_OnStop_RecordsEveryParkedBatchAtOnce()
    {
        var sut = CreateSut(Deferred(recordDelay: TimeSpan.FromSeconds(5)));
        foreach (var device in new[] { "pi-1", "pi-2" })
        {
            await sut.CompleteAsync(device, Epoch, await sut.ClaimAsync(device, Epoch, Seqs(1, 10), default), 0, default);
        }

        await sut.RecordParkedAsync();

        Assert.Equal(State(10), _store["pi-1", Epoch]);
        Assert.Equal(State(10), _store["pi-2", Epoch]);
    }

    /// <summary>Seqs recorded with the next claim or after the delay (default 50 ms); other instances' claims waited for only when said.</summary>
    private static IngestOptions Deferred(TimeSpan? deviceWait = null, TimeSpan? recordDelay = null) =>
        new() { RecordDelay = recordDelay ?? TimeSpan.FromMilliseconds(50), DeviceWait = deviceWait ?? TimeSpan.Zero };

    /// <summary>Recording before answering and no waiting for other claims, unless <paramref name="options"/> says otherwise.</summary>
    private WatermarkCoordinator CreateSut(IngestOptions? options = null) => new(
        _store,
        Microsoft.Extensions.Options.Options.Create(options ?? new IngestOptions { RecordDelay = TimeSpan.Zero, DeviceWait = TimeSpan.Zero }),
        _time,
        NullLogger<WatermarkCoordinator>.Instance);
}
