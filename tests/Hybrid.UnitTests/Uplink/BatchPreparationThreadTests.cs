using System.Globalization;
using Hybrid.Bench;
using Hybrid.Edge.Uplink;

namespace Hybrid.UnitTests.Uplink;

public sealed class BatchPreparationThreadTests
{
    /// <summary>The agent runs on Linux (so do its tests): the priorities are read from <c>/proc</c>.</summary>
    [Fact]
    public async Task RunAsync_RunsNiceIncrementLevelsBelowTheProcess()
    {
        using var thread = new BatchPreparationThread();

        var nice = await thread.RunAsync(() => Task.FromResult(NiceOf("/proc/thread-self/stat")));

        var process = NiceOf("/proc/self/stat");
        Assert.Equal(Math.Min(19, process + BatchPreparationThread.NiceIncrement), nice);
    }

    [Fact]
    public async Task RunAsync_StartsEachPreparationOnTheSameOtherThreadOneAtATime()
    {
        using var thread = new BatchPreparationThread();
        var order = new List<int>();
        var firstMayFinish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = thread.RunAsync(async () =>
        {
            var threadId = Environment.CurrentManagedThreadId;
            await firstMayFinish.Task;
            order.Add(1);
            return threadId;
        });
        var second = thread.RunAsync(() =>
        {
            order.Add(2);
            return Task.FromResult(Environment.CurrentManagedThreadId);
        });
        firstMayFinish.SetResult();

        Assert.Equal(await first, await second);
        Assert.NotEqual(Environment.CurrentManagedThreadId, await first);
        Assert.Equal([1, 2], order);
    }

    [Fact]
    public async Task RunAsync_FailureOrCancellation_ReachesTheCallerAndTheThreadGoesOn()
    {
        using var thread = new BatchPreparationThread();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => thread.RunAsync<int>(() => throw new InvalidOperationException("store read failed")));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => thread.RunAsync(() => Task.FromCanceled<int>(cancelled.Token)));

        Assert.Equal("store read failed", failure.Message);
        Assert.Equal(42, await thread.RunAsync(() => Task.FromResult(42)));
    }

    [Fact]
    public async Task Dispose_LetsQueuedWorkFinish()
    {
        var thread = new BatchPreparationThread();
        var slow = thread.RunAsync(async () =>
        {
            await Task.Delay(50, CancellationToken.None);
            return "prepared";
        });

        thread.Dispose();

        Assert.True(slow.IsCompleted);
        Assert.Equal("prepared", await slow);
    }

    /// <summary>The nice value of a <c>stat</c> file: its field 19.</summary>
    private static int NiceOf(string statPath) => int.Parse(BenchStats.StatFields(statPath)[19 - 3], CultureInfo.InvariantCulture);
}
