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
    public async Task FunctionApp_HostFiles_DeclareRawHttpForwarding()
    {
        var directory = RepositoryPaths.FunctionAppDirectory;
        using var host = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "host.json")));
        var handler = host.RootElement.GetProperty("customHandler");

        Assert.Equal("Hybrid.Functions", handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.True(File.Exists(Path.Combine(directory, "Hybrid.Functions")));
        Assert.True(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        foreach (var (function, method, auth) in new[] { ("ingest", "post", "function"), ("health", "get", "anonymous") })
        {
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, function, "function.json")));
            var bindings = json.RootElement.GetProperty("bindings").EnumerateArray().ToList();
            Assert.Equal(2, bindings.Count);
            Assert.Equal("httpTrigger", bindings[0].GetProperty("type").GetString());
            Assert.Equal(auth, bindings[0].GetProperty("authLevel").GetString());
            Assert.Equal(method, bindings[0].GetProperty("methods")[0].GetString());
            Assert.Equal(function, bindings[0].GetProperty("route").GetString());
            Assert.Equal("http", bindings[1].GetProperty("type").GetString());
        }
    }
}
