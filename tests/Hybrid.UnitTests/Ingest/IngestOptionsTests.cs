using Hybrid.Functions.Ingest;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Hybrid.UnitTests.Ingest;

public sealed class IngestOptionsTests
{
    [Fact]
    public void Validator_EmptyKeyWhileRequired_NamesTheSettingAndTheWayOut()
    {
        var result = new IngestOptionsValidator().Validate(null, new IngestOptions());

        Assert.True(result.Failed);
        Assert.Contains("Hybrid:Ingest:FunctionKey is empty", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Hybrid:Ingest:RequireFunctionKey=false", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_Defaults_PassWithAKeyOrWithTheCheckOff()
    {
        Assert.True(new IngestOptionsValidator().Validate(null, new IngestOptions { FunctionKey = "k" }).Succeeded);
        Assert.True(new IngestOptionsValidator().Validate(null, new IngestOptions { RequireFunctionKey = false }).Succeeded);
    }

    [Fact]
    public void Validator_BadValues_AreEachNamed()
    {
        var result = new IngestOptionsValidator().Validate(null, new IngestOptions
        {
            FunctionKey = "k", MaxBodyBytes = 10, ClaimDuration = TimeSpan.Zero, MaxDecompressedBytes = 2048, MaxParallelSends = 0,
        });

        Assert.Contains("Hybrid:Ingest:MaxBodyBytes", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Hybrid:Ingest:ClaimDuration is 00:00:00", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Hybrid:Ingest:MaxParallelSends", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void RoutingValidator_BadQueueNamesAndPatterns_AreNamedWithTheirIndex()
    {
        var result = new RoutingOptionsValidator().Validate(null, new RoutingOptions
        {
            DefaultQueue = "Telemetry",
            RejectedQueue = "a--b",
            Routes = [new RouteOptions { Pattern = "alert.*", Queue = "alerts" }, new RouteOptions { Pattern = "Alert.*", Queue = "-x" }],
            MaxMessageBytes = 70000,
        });

        Assert.Equal(5, result.Failures!.Count());
        Assert.Contains("Hybrid:Routing:DefaultQueue 'Telemetry' is not a valid queue name", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Hybrid:Routing:RejectedQueue 'a--b'", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Hybrid:Routing:Routes:1:Pattern 'Alert.*'", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Hybrid:Routing:Routes:1:Queue '-x'", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Hybrid:Routing:MaxMessageBytes", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("secret", null, true)]
    [InlineData(null, "secret", true)]
    [InlineData("secreT", null, false)]
    [InlineData("secret-and-more", null, false)]
    [InlineData(null, null, false)]
    [InlineData("", "", false)]
    public void FunctionKeyCheck_AcceptsHeaderOrQuery(string? header, string? query, bool authorized)
    {
        var check = new FunctionKeyCheck(Options.Create(new IngestOptions { FunctionKey = "secret" }));
        var context = new DefaultHttpContext();
        if (header is not null)
        {
            context.Request.Headers["x-functions-key"] = header;
        }

        if (query is not null)
        {
            context.Request.QueryString = QueryString.Create("code", query);
        }

        Assert.Equal(authorized, check.IsAuthorized(context.Request));
    }
}
