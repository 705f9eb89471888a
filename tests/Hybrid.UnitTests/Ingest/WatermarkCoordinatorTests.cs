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
    public async Task Claim_NoEntity_InsertsClaimAboveZero()
    {
        var claim = await CreateSut().ClaimAsync("pi", Epoch, 10, default);

        Assert.Equal(ClaimOutcome.Claimed, claim.Outcome);
        Assert.Equal(0, claim.Watermark);
        Assert.Equal(new WatermarkState(0, claim.ClaimId, 10, Now.AddSeconds(60)), _store["pi", Epoch]);
    }

    [Fact]
    public async Task Claim_WhileAnotherClaimIsLive_IsBusyUntilItExpires()
    {
        var sut = CreateSut();
        var first = await sut.ClaimAsync("pi", Epoch, 10, default);

        _time.Advance(TimeSpan.FromSeconds(59));
        var second = await sut.ClaimAsync("pi", Epoch, 20, default);
        _time.Advance(TimeSpan.FromSeconds(2));
        var third = await sut.ClaimAsync("pi", Epoch, 20, default);

        Assert.Equal(ClaimOutcome.Busy, second.Outcome);
        Assert.Equal(10, second.ClaimThrough);
        Assert.Equal(ClaimOutcome.Claimed, third.Outcome);
        Assert.NotEqual(first.ClaimId, third.ClaimId);
        Assert.Equal(20, _store["pi", Epoch]!.ClaimThrough);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Claim_WriteStoredButAnswerLost_RecognisesItsOwnClaimInsteadOfBlockingTheDevice(bool entityExists)
    {
        var sut = CreateSut();
        if (entityExists)
        {
            await sut.CompleteAsync("pi", Epoch, await sut.ClaimAsync("pi", Epoch, 5, default), 5, default);
        }

        _store.LoseNextWriteAnswer = true;
        var claim = await sut.ClaimAsync("pi", Epoch, 10, default);
        var watermark = await sut.CompleteAsync("pi", Epoch, claim, 10, default);

        Assert.Equal(ClaimOutcome.Claimed, claim.Outcome);
        Assert.Equal(10, watermark);
        Assert.Equal(new WatermarkState(10, null, 0, null), _store["pi", Epoch]);
    }

    [Fact]
    public async Task Complete_RaisesWatermarkAndClearsClaim_ThenCoveredRangesNeedNoWrite()
    {
        var sut = CreateSut();
        var claim = await sut.ClaimAsync("pi", Epoch, 10, default);

        var watermark = await sut.CompleteAsync("pi", Epoch, claim, 10, default);
        var writes = _store.Writes;
        var again = await sut.ClaimAsync("pi", Epoch, 10, default);

        Assert.Equal(10, watermark);
        Assert.Equal(new WatermarkState(10, null, 0, null), _store["pi", Epoch]);
        Assert.Equal(ClaimOutcome.Covered, again.Outcome);
        Assert.Equal(writes, _store.Writes);
    }

    [Fact]
    public async Task Complete_AfterTakeover_RaisesWatermarkAndKeepsTheOtherClaim()
    {
        var sut = CreateSut();
        var slow = await sut.ClaimAsync("pi", Epoch, 10, default);
        _time.Advance(TimeSpan.FromSeconds(61));
        var taker = await sut.ClaimAsync("pi", Epoch, 8, default);

        var watermark = await sut.CompleteAsync("pi", Epoch, slow, 10, default);
        var takerDone = await sut.CompleteAsync("pi", Epoch, taker, 8, default);

        Assert.Equal(ClaimOutcome.Claimed, taker.Outcome);
        Assert.Equal(10, watermark);
        // The taker finished with a lower range: its write lost, it re-read and left the higher watermark alone.
        Assert.Equal(10, takerDone);
        Assert.Equal(new WatermarkState(10, null, 0, null), _store["pi", Epoch]);
    }

    [Fact]
    public async Task Release_RecordsTheEnqueuedPrefixAndFreesTheClaim()
    {
        var sut = CreateSut();
        var claim = await sut.ClaimAsync("pi", Epoch, 10, default);

        await sut.ReleaseAsync("pi", Epoch, claim, 6, default);
        var retry = await sut.ClaimAsync("pi", Epoch, 10, default);

        Assert.Equal(ClaimOutcome.Claimed, retry.Outcome);
        Assert.Equal(6, retry.Watermark);
    }

    [Fact]
    public async Task Release_StorageDown_LeavesTheClaimToExpire()
    {
        var sut = CreateSut();
        var claim = await sut.ClaimAsync("pi", Epoch, 10, default);
        _store.Down = true;

        await sut.ReleaseAsync("pi", Epoch, claim, 6, default);
        _store.Down = false;

        Assert.Equal(ClaimOutcome.Busy, (await sut.ClaimAsync("pi", Epoch, 10, default)).Outcome);
    }

    [Fact]
    public async Task Claim_AfterOurOwnCompletion_SkipsTheReadAndStillWritesConditionally()
    {
        var sut = CreateSut();
        await sut.CompleteAsync("pi", Epoch, await sut.ClaimAsync("pi", Epoch, 10, default), 10, default);
        var reads = _store.Reads;

        var next = await sut.ClaimAsync("pi", Epoch, 20, default);

        Assert.Equal(reads, _store.Reads);
        Assert.Equal((ClaimOutcome.Claimed, 10L), (next.Outcome, next.Watermark));
        Assert.Equal(next.ClaimId, _store["pi", Epoch]!.ClaimId);
    }

    [Fact]
    public async Task Claim_RememberedEntryOutdatedByAnotherInstance_ReadsAndClaimsAboveTheirWatermark()
    {
        var instanceA = CreateSut();
        var instanceB = CreateSut();
        await instanceA.CompleteAsync("pi", Epoch, await instanceA.ClaimAsync("pi", Epoch, 10, default), 10, default);
        await instanceB.CompleteAsync("pi", Epoch, await instanceB.ClaimAsync("pi", Epoch, 20, default), 20, default);

        // A remembers watermark 10; its conditional write fails on B's newer ETag, so it reads and sees 20.
        var covered = await instanceA.ClaimAsync("pi", Epoch, 15, default);
        var claim = await instanceA.ClaimAsync("pi", Epoch, 30, default);

        Assert.Equal((ClaimOutcome.Covered, 20L), (covered.Outcome, covered.Watermark));
        Assert.Equal((ClaimOutcome.Claimed, 20L), (claim.Outcome, claim.Watermark));
        Assert.Equal(new WatermarkState(20, claim.ClaimId, 30, Now.AddSeconds(60)), _store["pi", Epoch]);
    }

    [Fact]
    public async Task Claim_RepeatedBatchAfterComplete_IsCoveredFromTheCacheWithStorageDown()
    {
        var sut = CreateSut();
        await sut.CompleteAsync("pi", Epoch, await sut.ClaimAsync("pi", Epoch, 10, default), 10, default);
        var (reads, writes) = (_store.Reads, _store.Writes);
        _store.Down = true;

        var repeated = await sut.ClaimAsync("pi", Epoch, 10, default);

        Assert.Equal((ClaimOutcome.Covered, 10L), (repeated.Outcome, repeated.Watermark));
        Assert.Equal((reads, writes), (_store.Reads, _store.Writes));
    }

    [Fact]
    public async Task Claim_CoveredByAReadEntryWithAnotherClaim_IsNotRememberedSoTheNextCallReadsAgain()
    {
        await _store.TryInsertAsync("pi", Epoch, new WatermarkState(10, "other", 20, Now.AddSeconds(30)), default);
        var sut = CreateSut();

        var first = await sut.ClaimAsync("pi", Epoch, 5, default);
        var reads = _store.Reads;
        var second = await sut.ClaimAsync("pi", Epoch, 5, default);

        Assert.Equal((ClaimOutcome.Covered, ClaimOutcome.Covered), (first.Outcome, second.Outcome));
        Assert.Equal(reads + 1, _store.Reads);
    }

    [Fact]
    public async Task Claim_CacheSizeZero_ReadsEveryTime()
    {
        var sut = CreateSut(new IngestOptions { WatermarkCacheSize = 0 });
        await sut.CompleteAsync("pi", Epoch, await sut.ClaimAsync("pi", Epoch, 10, default), 10, default);
        var reads = _store.Reads;

        var repeated = await sut.ClaimAsync("pi", Epoch, 10, default);

        Assert.Equal(ClaimOutcome.Covered, repeated.Outcome);
        Assert.Equal(reads + 1, _store.Reads);
    }

    private WatermarkCoordinator CreateSut(IngestOptions? options = null) =>
        new(_store, Microsoft.Extensions.Options.Options.Create(options ?? new IngestOptions()), _time, NullLogger<WatermarkCoordinator>.Instance);
}
