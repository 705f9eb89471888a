using Hybrid.Edge.Mqtt;

namespace Hybrid.UnitTests.Mqtt;

public sealed class TopicFilterTests
{
    [Theory]
    [InlineData("a/b", "a/b", true)]
    [InlineData("a/b", "a/c", false)]
    [InlineData("a/+", "a/b", true)]
    [InlineData("a/+", "a/b/c", false)]
    [InlineData("a/+/c", "a/x/c", true)]
    [InlineData("a/#", "a/b/c", true)]
    [InlineData("a/#", "a", true)]
    [InlineData("#", "x/y", true)]
    [InlineData("a/b", "a/b/c", false)]
    [InlineData("a/b/c", "a/b", false)]
    [InlineData("+/+", "a/b", true)]
    [InlineData("+", "a/b", false)]
    public void Matches_FollowsMqttRules(string filter, string topic, bool expected) =>
        Assert.Equal(expected, TopicFilter.Matches(filter, topic));

    [Theory]
    [InlineData("a/#", null)]
    [InlineData("a/+/b", null)]
    [InlineData("a/#/b", "uses '#' other than as the whole last level")]
    [InlineData("a/b#", "uses '#' other than as the whole last level")]
    [InlineData("a/x+/b", "uses '+' other than as a whole level")]
    [InlineData("", "is empty")]
    public void Validate_ReportsTheProblem(string filter, string? problem) =>
        Assert.Equal(problem, TopicFilter.Validate(filter));
}
