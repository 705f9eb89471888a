using Hybrid.Contracts;
using Hybrid.Functions.Ingest;

namespace Hybrid.UnitTests.Ingest;

public sealed class RouteTableTests
{
    private static readonly RouteTable Routes = new(new RoutingOptions
    {
        DefaultQueue = "other",
        Routes =
        [
            new RouteOptions { Pattern = "alert.smoke", Queue = "smoke" },
            new RouteOptions { Pattern = "alert.*", Queue = "alerts" },
            new RouteOptions { Pattern = "telemetry.*", Queue = "telemetry" },
            new RouteOptions { Pattern = "*.battery", Queue = "power" },
        ],
    });

    [Theory]
    [InlineData("alert.smoke", "smoke")]
    [InlineData("alert.smoke.kitchen", "alerts")]
    [InlineData("alert.", "alerts")]
    [InlineData("alert", "other")]
    [InlineData("telemetry.temperature", "telemetry")]
    [InlineData("telemetry.battery", "telemetry")]
    [InlineData("ble.battery", "power")]
    [InlineData("system.load", "other")]
    public void Resolve_FirstMatchingPatternWins_ElseDefault(string type, string queue) => Assert.Equal(queue, Routes.Resolve(type));

    [Theory]
    [InlineData("*", "", true)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxbyy", false)]
    [InlineData("abc", "abcd", false)]
    [InlineData("**", "x", true)]
    public void GlobMatches_HandlesSeveralStars(string pattern, string text, bool matches) => Assert.Equal(matches, TypePattern.Matches(pattern, text));

    [Fact]
    public void AllQueues_ListsEachQueueOnce() =>
        Assert.Equal(["smoke", "alerts", "telemetry", "power", "other", "ingest-rejected"], Routes.AllQueues);
}
