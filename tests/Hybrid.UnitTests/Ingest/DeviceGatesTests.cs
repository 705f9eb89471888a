using Hybrid.Functions.Ingest;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.UnitTests.Ingest;

public sealed class DeviceGatesTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Enter_SameDeviceTwice_TheSecondWaitsForTheFirstLease()
    {
        var gates = new DeviceGates(new FakeTimeProvider());
        var first = await gates.EnterAsync("pi", "e1", Wait, CancellationToken.None);

        var second = gates.EnterAsync("pi", "e1", Wait, CancellationToken.None);
        await Task.Delay(50);
        Assert.False(second.IsCompleted);

        first!.Dispose();
        using var lease = await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(lease);
    }

    [Fact]
    public async Task Enter_OtherDeviceOrEpoch_DoesNotWait()
    {
        var gates = new DeviceGates(new FakeTimeProvider());
        using var held = await gates.EnterAsync("pi", "e1", Wait, CancellationToken.None);

        using var otherEpoch = await gates.EnterAsync("pi", "e2", Wait, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        using var otherDevice = await gates.EnterAsync("pi2", "e1", Wait, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(otherEpoch);
        Assert.NotNull(otherDevice);
        Assert.Equal(3, gates.Count);
    }

    [Fact]
    public async Task Enter_TurnDoesNotComeWithinTheWait_ReturnsNullAndForgetsTheGateOnceFree()
    {
        var time = new FakeTimeProvider();
        var gates = new DeviceGates(time);
        var held = await gates.EnterAsync("pi", "e1", Wait, CancellationToken.None);

        var waiting = gates.EnterAsync("pi", "e1", Wait, CancellationToken.None);
        time.Advance(Wait);

        Assert.Null(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        held!.Dispose();
        held.Dispose();
        Assert.Equal(0, gates.Count);
        using var again = await gates.EnterAsync("pi", "e1", Wait, CancellationToken.None);
        Assert.NotNull(again);
    }

    [Fact]
    public async Task Enter_CallerCancelsWhileWaiting_ThrowsAndLeavesTheGateUsable()
    {
        var gates = new DeviceGates(new FakeTimeProvider());
        var held = await gates.EnterAsync("pi", "e1", Wait, CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = gates.EnterAsync("pi", "e1", Wait, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held!.Dispose();
        Assert.Equal(0, gates.Count);
    }

    [Fact]
    public async Task Enter_ManyConcurrentRequestsForOneDevice_NeverTwoInsideAtOnce()
    {
        var gates = new DeviceGates(TimeProvider.System);
        var inside = 0;
        var maxInside = 0;
        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            using var lease = await gates.EnterAsync("pi", "e1", TimeSpan.FromSeconds(30), CancellationToken.None);
            Assert.NotNull(lease);
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref maxInside, now);
            await Task.Yield();
            Interlocked.Decrement(ref inside);
        })));

        Assert.Equal(1, maxInside);
        Assert.Equal(0, gates.Count);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var found && found != seen)
        {
            seen = found;
        }
    }
}
