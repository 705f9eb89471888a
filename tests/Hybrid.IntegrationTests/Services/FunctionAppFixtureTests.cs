using System.Net;
using System.Text.Json;
using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Services;

[Collection(Collections.FunctionApp)]
public sealed class FunctionAppFixtureTests(FunctionAppFixture fixture)
{
    [Fact]
    public async Task Health_OverRealKestrel_Answers200WithStatus()
    {
        using var http = new HttpClient { BaseAddress = fixture.App.BaseAddress };

        using var response = await http.GetAsync(new Uri("api/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ok", body.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task FunctionApp_BuildOutput_IsAnIsolatedWorkerAppTheHostStartsByIndexing()
    {
        var directory = RepositoryPaths.FunctionAppDirectory;
        using var worker = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "worker.config.json")));
        var description = worker.RootElement.GetProperty("description");
        using var host = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "host.json")));

        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.Equal("Hybrid.Functions.dll", description.GetProperty("defaultWorkerPath").GetString());
        Assert.True(File.Exists(Path.Combine(directory, "Hybrid.Functions.dll")));
        Assert.True(File.Exists(Path.Combine(directory, "functions.metadata")));
        Assert.False(host.RootElement.TryGetProperty("customHandler", out _));
    }
}
