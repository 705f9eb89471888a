using Hybrid.Edge.Hosting;

namespace Hybrid.UnitTests.Edge;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void DelayFor_GrowsExponentiallyWithJitterAndNeverExceedsTheCap()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), new Random(42));

        for (var attempt = 1; attempt <= 12; attempt++)
        {
            var ceiling = Math.Min(60, Math.Pow(2, attempt - 1));
            var delays = Enumerable.Range(0, 200).Select(_ => backoff.DelayFor(attempt).TotalSeconds).ToList();
            Assert.All(delays, d => Assert.InRange(d, ceiling / 2, ceiling));
            // Jitter: not all the same.
            Assert.True(delays.Distinct().Count() > 100);
        }
    }

    [Fact]
    public void DelayFor_HugeAttempt_StaysAtCap()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), new Random(1));

        Assert.InRange(backoff.DelayFor(int.MaxValue).TotalSeconds, 1, 2);
    }
}
