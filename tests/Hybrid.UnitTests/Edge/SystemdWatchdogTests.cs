using Hybrid.Edge.Hosting;

namespace Hybrid.UnitTests.Edge;

public sealed class SystemdWatchdogTests
{
    [Theory]
    [InlineData("60000000", null, 60.0)]
    [InlineData("30000000", "4242", 30.0)]
    public void Interval_FromSystemdsEnvironment(string usec, string? pid, double expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), SystemdWatchdog.Interval(usec, pid, 4242));

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("0", null)]
    [InlineData("abc", null)]
    [InlineData("60000000", "1")]
    public void Interval_NoWatchdogOrMeantForAnotherProcess_IsNull(string? usec, string? pid) =>
        Assert.Null(SystemdWatchdog.Interval(usec, pid, 4242));
}
