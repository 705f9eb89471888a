using Hybrid.Edge.Mqtt;

namespace Hybrid.UnitTests.Mqtt;

public sealed class TopicTemplateTests
{
    [Theory]
    [InlineData("hybrid/+/{type}", "contains '+'")]
    [InlineData("hybrid/{device}/#", "contains '#'")]
    [InlineData("hybrid/{dev}/{type}", "unknown placeholder '{dev}'")]
    [InlineData("hybrid/{device", "has a '{' without '}'")]
    [InlineData("hybrid//{type}", "empty topic level")]
    [InlineData("/hybrid/{type}", "empty topic level")]
    [InlineData("hybrid/{type}/", "empty topic level")]
    [InlineData("", "is empty")]
    public void TryParse_InvalidTemplate_FailsNamingTheSetting(string template, string problem)
    {
        Assert.False(TopicTemplate.TryParse(template, allowEmptyLevels: false, out _, out var error));
        Assert.Contains("Hybrid:Mqtt:TopicTemplate", error, StringComparison.Ordinal);
        Assert.Contains(problem, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_EmptyLevelAllowedByOption_Succeeds()
    {
        Assert.True(TopicTemplate.TryParse("hybrid//{type}", allowEmptyLevels: true, out var template, out _));
        Assert.True(template!.TryRender("d", "t", null, "s", out var topic, out _));
        Assert.Equal("hybrid//t", topic);
    }

    [Fact]
    public void TryRender_AllPlaceholders_Substituted()
    {
        Assert.True(TopicTemplate.TryParse("x/{device}/{source}-{type}/{key}", false, out var template, out _));

        Assert.True(template!.TryRender("pi-1", "telemetry.temp", "aa:bb", "rtl433", out var topic, out _));
        Assert.Equal("x/pi-1/rtl433-telemetry.temp/aa:bb", topic);
    }

    [Fact]
    public void TryRender_KeyWithWildcard_FailsWithReason()
    {
        Assert.True(TopicTemplate.TryParse("x/{device}/{key}", false, out var template, out _));

        Assert.False(template!.TryRender("d", "t", "a#b", "s", out _, out var error));
        Assert.Contains("'a#b' contains an MQTT wildcard", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRender_EmptyKeyMakesEmptyLevel_FailsUnlessAllowed()
    {
        Assert.True(TopicTemplate.TryParse("x/{device}/{key}/v", false, out var template, out _));

        Assert.False(template!.TryRender("d", "t", null, "s", out _, out var error));
        Assert.Contains("topic 'x/d//v'", error, StringComparison.Ordinal);
        Assert.Contains("Hybrid:Mqtt:AllowEmptyLevels", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hybrid/{device}/{type}", "hybrid/pi/+")]
    [InlineData("{device}/{type}/{key}", "pi/+/#")]
    [InlineData("x/{source}-{key}/{type}", "x/#")]
    [InlineData("a/dev-{device}/x", "a/dev-pi/x")]
    [InlineData("a/{type}-{device}/x", "a/+/x")]
    public void ToFilter_MatchesWhatTheTemplateRenders(string text, string filter)
    {
        Assert.True(TopicTemplate.TryParse(text, false, out var template, out _));

        Assert.Equal(filter, template!.ToFilter("pi"));
        Assert.True(template.TryRender("pi", "alert.fire", "k1", "s", out var topic, out _));
        Assert.True(TopicFilter.Matches(filter, topic));
        // A captured reading's key is its MQTT topic: the filter must match that depth too.
        Assert.True(template.TryRender("pi", "alert.fire", "kitchen/door/1", "mqtt", out var deep, out _));
        Assert.True(TopicFilter.Matches(filter, deep));
    }
}
