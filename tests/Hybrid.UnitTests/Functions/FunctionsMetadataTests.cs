using System.Text.Json;
using Hybrid.Functions.Hosting;
using Hybrid.Testing;

namespace Hybrid.UnitTests.Functions;

/// <summary>
/// The Azure entry points cannot drift from the standalone ones: the Worker SDK's generated <c>functions.metadata</c>
/// (what the Functions host indexes) declares exactly the routes, methods and auth levels the standalone app maps.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static JsonElement[] Functions()
    {
        var path = Path.Combine(RepositoryPaths.FunctionAppDirectory, "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: build Hybrid.sln first.");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return [.. document.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    [Theory]
    [InlineData("ingest", "ingest", "post", "Function")]
    [InlineData("health", "health", "get", "Anonymous")]
    public void Metadata_DeclaresTheFunctionAsTheStandaloneAppMapsIt(string name, string route, string method, string authLevel)
    {
        var function = Assert.Single(Functions(), f => f.GetProperty("name").GetString() == name);
        var trigger = Assert.Single(function.GetProperty("bindings").EnumerateArray(), b => b.GetProperty("type").GetString() == "httpTrigger");

        Assert.Equal("dotnet-isolated", function.GetProperty("language").GetString());
        Assert.Equal("Hybrid.Functions.dll", function.GetProperty("scriptFile").GetString());
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(authLevel, trigger.GetProperty("authLevel").GetString());
    }

    [Fact]
    public void Metadata_DeclaresNoOtherFunctions()
    {
        Assert.Equal(["health", "ingest"], Functions().Select(f => f.GetProperty("name").GetString()).Order());
    }

    [Fact]
    public void HostJson_PrefixesRoutesWithApi_AsTheStandaloneRoutes()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.FunctionAppDirectory, "host.json")));

        Assert.Equal("api", host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [Theory]
    [InlineData(new string[0], "dotnet-isolated", false)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:7071" }, null, false)]
    [InlineData(new[] { "--functions-uri", "http://127.0.0.1:50051/", "--functions-worker-id", "w1" }, "dotnet-isolated", true)]
    [InlineData(new[] { "--host", "127.0.0.1", "--port", "50051", "--workerId", "w1", "--grpcMaxMessageLength", "2147483647" }, "dotnet-isolated", true)]
    [InlineData(new[] { "--functions-uri", "http://127.0.0.1:50051/" }, null, false)]
    public void Detection_FunctionsModeOnlyWithWorkerArgumentsAndRuntime(string[] args, string? workerRuntime, bool expected)
    {
        Assert.Equal(expected, FunctionsHostDetection.IsStartedByFunctionsHost(args, workerRuntime));
    }
}
