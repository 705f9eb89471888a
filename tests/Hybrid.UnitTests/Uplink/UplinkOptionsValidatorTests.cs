using Hybrid.Edge.Uplink;

namespace Hybrid.UnitTests.Uplink;

public sealed class UplinkOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_AreValidAndDisabled()
    {
        var options = new UplinkOptions();

        Assert.True(new UplinkOptionsValidator().Validate(null, options).Succeeded);
        Assert.False(options.Enabled);
    }

    [Fact]
    public void Validate_EnabledWithoutUrlOrKey_OneLineEachNamingTheSetting()
    {
        var result = new UplinkOptionsValidator().Validate(null, new UplinkOptions { Enabled = true });

        Assert.Equal(2, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.StartsWith("Hybrid:Uplink:Url is empty", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Hybrid:Uplink:FunctionKey is empty", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ftp://host/api/ingest", "is not an absolute http(s) URL")]
    [InlineData("/api/ingest", "is not an absolute http(s) URL")]
    [InlineData("https://host/api/ingest?code=abc", "must not carry credentials")]
    [InlineData("https://user:pw@host/api/ingest", "must not carry credentials")]
    public void Validate_BadUrl_SaysWhatIsWrong(string url, string expected)
    {
        var result = new UplinkOptionsValidator().Validate(null, new UplinkOptions { Enabled = true, Url = url, FunctionKey = "k" });

        var failure = Assert.Single(result.Failures!);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
        Assert.DoesNotContain("abc", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(":pw", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OutOfRangeValues_EachNamedWithAnExample()
    {
        var result = new UplinkOptionsValidator().Validate(null, new UplinkOptions
        {
            MaxBatchItems = 1001,
            MaxBatchBytes = 10,
            Linger = TimeSpan.FromHours(1),
            RetryMin = TimeSpan.FromSeconds(10),
            RetryMax = TimeSpan.FromSeconds(5),
            BreakerFailureRatio = 0,
            BreakerMinimumThroughput = 1,
        });

        var failures = result.Failures!.ToList();
        Assert.Contains(failures, f => f.StartsWith("Hybrid:Uplink:MaxBatchItems (1001) must be 1 to 1000", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Hybrid:Uplink:MaxBatchBytes (10)", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Hybrid:Uplink:Linger", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Hybrid:Uplink:RetryMax (00:00:05) must not be below", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Hybrid:Uplink:BreakerFailureRatio", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Hybrid:Uplink:BreakerMinimumThroughput", StringComparison.Ordinal));
        Assert.Equal(6, failures.Count);
    }
}
