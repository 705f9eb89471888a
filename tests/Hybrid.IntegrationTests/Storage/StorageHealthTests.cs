using System.Net;
using System.Text.Json;
using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Storage;

/// <summary><c>/api/health</c> of the real app on Kestrel reports storage reachability, with its own Azurite to kill.</summary>
public sealed class StorageHealthTests
{
    [Fact]
    public async Task Health_AzuriteKilledThenRestarted_ReportsDegradedThenOk()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        await using var app = await FunctionAppServer.StartAsync(new Dictionary<string, string?>
        {
            ["Hybrid__Storage__ConnectionString"] = azurite.ConnectionString,
            ["Hybrid__Storage__RequestTimeout"] = "00:00:02",
            ["Hybrid__Ingest__FunctionKey"] = "health-test-key",
        });
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        var up = await GetHealthAsync(http);
        await azurite.KillAsync();
        var down = await GetHealthAsync(http);
        await azurite.RestartAsync();
        var back = await GetHealthAsync(http);

        Assert.Equal(("ok", "ok"), (up.Status, up.Storage));
        Assert.Equal("degraded", down.Status);
        Assert.Contains("failed after 1 attempt(s)", down.Storage, StringComparison.Ordinal);
        Assert.Equal(("ok", "ok"), (back.Status, back.Storage));
        Assert.DoesNotContain(AzuriteServer.AccountKey, app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task App_NoStorageSetting_ExitsNamingBothSettings()
    {
        await using var app = ChildProcess.Start(
            Path.Combine(RepositoryPaths.FunctionAppDirectory, "Hybrid.Functions"),
            [],
            new Dictionary<string, string?>
            {
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture)}",
                ["Hybrid__Storage__ConnectionString"] = "",
                ["Hybrid__Storage__AccountName"] = "",
            },
            RepositoryPaths.FunctionAppDirectory);

        var exitCode = await app.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Hybrid:Storage:ConnectionString or Hybrid:Storage:AccountName is required", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task App_ConnectionStringWithBadKey_ExitsWithoutPrintingIt()
    {
        const string secretLooking = "not*base64*but*secret";
        await using var app = ChildProcess.Start(
            Path.Combine(RepositoryPaths.FunctionAppDirectory, "Hybrid.Functions"),
            [],
            new Dictionary<string, string?>
            {
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture)}",
                ["Hybrid__Storage__ConnectionString"] = $"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={secretLooking}",
            },
            RepositoryPaths.FunctionAppDirectory);

        var exitCode = await app.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Hybrid:Storage:ConnectionString is invalid: ", app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(secretLooking, app.Output, StringComparison.Ordinal);
    }

    private static async Task<(string Status, string Storage)> GetHealthAsync(HttpClient http)
    {
        using var response = await http.GetAsync(new Uri("api/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (body.RootElement.GetProperty("status").GetString()!, body.RootElement.GetProperty("storage").GetString()!);
    }
}
