using Hybrid.Functions.Ingest;
using Hybrid.Testing;
using Microsoft.Extensions.Time.Testing;
using static Hybrid.UnitTests.Ingest.IngestTestData;

namespace Hybrid.UnitTests.Ingest;

public sealed class IngestProcessorTests : IDisposable
{
    private readonly InMemoryWatermarkStore _store = new();
    private readonly RecordingQueues _queues = new();
    private readonly FakeTimeProvider _time = new(Now);
    private readonly TestProcessors _processors = new();

    [Fact]
    public async Task Process_MixedBatch_RoutesValidItemsAndSendsRejectedWithReasons()
    {
        var batch = Batch("pi", Reading(1), Reading(2, type: "alert.smoke"), Reading(3, type: "BAD"), Reading(2), Reading(4, type: "ble.seen"));

        var result = await CreateSut().ProcessAsync(batch, default);

        var response = result.Response!;
        Assert.Equal(3, response.Accepted);
        Assert.Equal(0, response.Duplicates);
        Assert.Equal([3L, 2], response.Rejected.Select(r => r.Seq));
        Assert.Equal(4, response.Watermark);
        Assert.Equal([1L], _queues.Seqs("telemetry"));
        Assert.Equal([2L], _queues.Seqs("alerts"));
        Assert.Equal([4L], _queues.Seqs("other"));
        // Two messages (the in-range reject and the out-of-order one) sent in parallel: their order is not defined.
        Assert.Equal([2L, 3], _queues.Seqs("ingest-rejected").Order());
        Assert.Equal(State(4, null, 0, null), await RecordedAsync("pi"));
    }

    [Fact]
    public async Task Process_SameBatchTwice_SecondIsAllDuplicatesAndSendsOnlyUnorderedRejectsAgain()
    {
        var sut = CreateSut();
        var batch = Batch("pi", Reading(1), Reading(2, type: "BAD"), Reading(3), Reading(1));

        await sut.ProcessAsync(batch, default);
        var second = (await sut.ProcessAsync(batch, default)).Response!;

        Assert.Equal(0, second.Accepted);
        Assert.Equal(2, second.Duplicates);
        Assert.Equal([2L, 1], second.Rejected.Select(r => r.Seq));
        Assert.Equal([1L, 3], _queues.Seqs("telemetry"));
        // seq 2 (ordered, rejected) went to the rejected queue once; the out-of-order 1 goes each time.
        Assert.Equal([1L, 1, 2], _queues.Seqs("ingest-rejected").Order());
    }

    [Fact]
    public async Task Process_OverlappingBatch_EnqueuesOnlyAboveTheWatermark()
    {
        var sut = CreateSut();

        await sut.ProcessAsync(Batch("pi", [1, 2, 3, 4, 5]), default);
        var response = (await sut.ProcessAsync(Batch("pi", [4, 5, 6, 7]), default)).Response!;

        Assert.Equal((2, 2, 7L), (response.Accepted, response.Duplicates, response.Watermark));
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], _queues.Seqs().Order());
    }

    [Fact]
    public async Task Process_LowerSeqArrivingAfterHigherOnes_IsEnqueuedNotCalledADuplicate()
    {
        var sut = CreateSut();

        await sut.ProcessAsync(Batch("pi", [10, 11]), default);
        var response = (await sut.ProcessAsync(Batch("pi", [5, 12]), default)).Response!;
        var resent = (await sut.ProcessAsync(Batch("pi", [5, 10, 11, 12]), default)).Response!;

        Assert.Equal((2, 0, 0L), (response.Accepted, response.Duplicates, response.Watermark));
        Assert.Equal((0, 4), (resent.Accepted, resent.Duplicates));
        Assert.Equal([5L, 10, 11, 12], _queues.Seqs().Order());
        Assert.Equal("0;5,10-12;", (await RecordedAsync("pi"))!.Ledger.Format());
    }

    [Fact]
    public async Task Process_SettledThrough_ClosesTheGapsBelowItAndALateSeqThereIsRefusedAsLate()
    {
        var sut = CreateSut();
        await sut.ProcessAsync(Batch("pi", [1, 2, 5, 6]), default);

        var settled = (await sut.ProcessAsync(new Hybrid.Contracts.IngestBatch { Device = "pi", Epoch = Epoch, SettledThrough = 6, Messages = [Reading(7)] }, default)).Response!;
        var late = (await sut.ProcessAsync(Batch("pi", [3, 8]), default)).Response!;

        Assert.Equal((1, 7L, 1), (settled.Accepted, settled.Watermark, settled.GapsClosed));
        Assert.Equal((1, 0), (late.Accepted, late.Duplicates));
        var refused = Assert.Single(late.Rejected);
        Assert.Equal(3, refused.Seq);
        Assert.StartsWith("late: seq 3 lies in a gap this Function closed", refused.Reason, StringComparison.Ordinal);
        Assert.Equal([1L, 2, 5, 6, 7, 8], _queues.Seqs().Order());
    }

    [Fact]
    public async Task Process_MoreOutOfOrderRangesThanTheBound_ClosesTheOldestGapCountedInTheAnswer()
    {
        var sut = CreateSut(ingest: new IngestOptions { MaxDeliveredRanges = 2 });
        await sut.ProcessAsync(Batch("pi", [2]), default);
        await sut.ProcessAsync(Batch("pi", [4]), default);

        var third = (await sut.ProcessAsync(Batch("pi", [6]), default)).Response!;
        var late = (await sut.ProcessAsync(Batch("pi", [1, 3]), default)).Response!;

        Assert.Equal((1, 2L), (third.GapsClosed, third.Watermark));
        Assert.Equal(1, late.Accepted);
        Assert.Equal([1L], late.Rejected.Select(r => r.Seq));
        Assert.Equal([2L, 3, 4, 6], _queues.Seqs().Order());
    }

    [Fact]
    public async Task Process_LiveClaimByAnotherRequest_Answers409WithRetryAfterAndEnqueuesNothing()
    {
        await _store.TryInsertAsync("pi", Epoch, State(3, "other", 9, Now.AddSeconds(30)), default);

        var result = await CreateSut(ingest: new IngestOptions { DeviceWait = TimeSpan.Zero }).ProcessAsync(Batch("pi", Reading(4), Reading(0)), default);

        Assert.Equal(409, result.Problem!.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), result.Problem.RetryAfter);
        Assert.Contains("seqs 4-9", result.Problem.Reason, StringComparison.Ordinal);
        Assert.Empty(_queues.Messages);
    }

    [Fact]
    public async Task Process_QueueFailsPartWay_Answers503AndRecordsOnlyTheSentPrefix_RetrySendsTheRest()
    {
        var sut = CreateSut(new RoutingOptions { Packing = PackingMode.Single }, new IngestOptions { MaxParallelSends = 1 });
        _queues.FailAfter = 3;

        var failed = await sut.ProcessAsync(Batch("pi", [1, 2, 3, 4, 5, 6]), default);
        var afterFailure = _store["pi", Epoch];
        _queues.FailAfter = int.MaxValue;
        var retry = (await sut.ProcessAsync(Batch("pi", [1, 2, 3, 4, 5, 6]), default)).Response!;

        Assert.Equal(503, failed.Problem!.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), failed.Problem.RetryAfter);
        Assert.Equal(State(3, null, 0, null), afterFailure);
        Assert.Equal((3, 3, 6L), (retry.Accepted, retry.Duplicates, retry.Watermark));
        Assert.Equal([1L, 2, 3, 4, 5, 6], _queues.Seqs());
    }

    [Fact]
    public async Task Process_TableDown_Answers503AndEnqueuesNothing()
    {
        _store.Down = true;

        var result = await CreateSut().ProcessAsync(Batch("pi", [1, 2]), default);

        Assert.Equal(503, result.Problem!.StatusCode);
        Assert.Empty(_queues.Messages);
    }

    [Fact]
    public async Task Process_FiftyConcurrentOverlappingRequests_EnqueueEachSeqExactlyOnce()
    {
        var sut = CreateSut();
        var requests = Enumerable.Range(0, 50).Select(async i =>
        {
            var batch = Batch("pi", Enumerable.Range(1, 10 * (i + 1)).Select(s => (long)s));
            var accepted = 0;
            while (true)
            {
                var result = await sut.ProcessAsync(batch, default);
                if (result.Response is { } response)
                {
                    return accepted + response.Accepted;
                }

                Assert.Equal(409, result.Problem!.StatusCode);
                await Task.Yield();
            }
        });

        var accepted = await Task.WhenAll(requests);

        Assert.Equal(500, accepted.Sum());
        Assert.Equal(Enumerable.Range(1, 500).Select(s => (long)s), _queues.Seqs().Order());
        Assert.Equal(State(500, null, 0, null), await RecordedAsync("pi"));
    }

    [Fact]
    public async Task Process_RepeatedBatch_IsAnsweredFromTheCacheWithoutReadingStorage()
    {
        var sut = CreateSut();
        // Learned from a storage read (not from our own write, which the coordinator would also remember).
        await _store.TryInsertAsync("pi", Epoch, State(2, null, 0, null), default);
        await sut.ProcessAsync(Batch("pi", [1, 2]), default);
        _store.Down = true;

        var response = (await sut.ProcessAsync(Batch("pi", [1, 2]), default)).Response!;

        Assert.Equal((0, 2, 2L), (response.Accepted, response.Duplicates, response.Watermark));
    }

    public void Dispose() => _processors.Dispose();

    /// <summary>The device's entity once the seqs parked after the last answer are recorded (RecordDelay passed).</summary>
    private async Task<Hybrid.Functions.Ingest.WatermarkState?> RecordedAsync(string device)
    {
        _time.Advance(new IngestOptions().RecordDelay);
        await Eventually.UntilAsync(() => _store[device, Epoch]?.ClaimId is null, TimeSpan.FromSeconds(10), () => $"stored {_store[device, Epoch]}");
        return _store[device, Epoch];
    }

    [Fact]
    public async Task Process_StorageHangsPastTheClaimBudget_Answers503WithinClaimDuration()
    {
        var hanging = new HangingWatermarkStore();
        var sut = CreateSut(ingest: new IngestOptions { ClaimDuration = TimeSpan.FromSeconds(10) }, store: hanging);

        var processing = sut.ProcessAsync(Batch("pi", Reading(1)), default);
        await hanging.Entered.Task;
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(processing.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        var result = await processing.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(503, result.Problem!.StatusCode);
        Assert.Empty(_queues.Messages);
    }

    /// <summary>A watermark store whose reads never answer until cancelled, like storage that accepts connections and then stalls.</summary>
    private sealed class HangingWatermarkStore : IWatermarkStore
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<WatermarkEntry?> GetAsync(string device, string epoch, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return null;
        }

        public Task<WriteResult> TryInsertAsync(string device, string epoch, WatermarkState state, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The read never answers.");

        public Task<WriteResult> TryReplaceAsync(string device, string epoch, WatermarkState state, string etag, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The read never answers.");
    }

    private IngestProcessor CreateSut(RoutingOptions? routing = null, IngestOptions? ingest = null, IWatermarkStore? store = null)
    {
        routing ??= new RoutingOptions
        {
            DefaultQueue = "other",
            Routes = [new RouteOptions { Pattern = "telemetry.*", Queue = "telemetry" }, new RouteOptions { Pattern = "alert.*", Queue = "alerts" }],
        };
        return _processors.Create(store ?? _store, _queues, _time, ingest ?? new IngestOptions(), routing);
    }
}
