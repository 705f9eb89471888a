using System.Globalization;
using System.Net;
using System.Text.Json;
using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Services;

/// <summary>The running agent's local endpoint (/healthz, /status, /metrics) and `hybrid-edge status` asking it.</summary>
public sealed class StatusEndpointTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Endpoint_RunningAgent_HealthStatusAndPrometheusMetricsAgreeWithTheStore()
    {
        using var data = new TempDirectory("edge-status");
        var port = FreePort.Next();
        var environment = Environment(data, port);
        await using var agent = ChildProcess.Start(RepositoryPaths.EdgeAgent, ["run"], environment);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"), Timeout = TimeSpan.FromSeconds(5) };
        await agent.WaitForOutputAsync("status endpoint on", Timeout);

        await Eventually.UntilAsync(async () => (await StatusAsync(http)).RootElement.GetProperty("store").GetProperty("lanes")[1].GetProperty("headSeq").GetInt64() >= 20, Timeout);
        using var health = await http.GetAsync(new Uri("healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var status = await StatusAsync(http);
        Assert.Equal("status-test", status.RootElement.GetProperty("device").GetString());
        var verify = status.RootElement.GetProperty("store").GetProperty("sinks").EnumerateArray().Single(s => s.GetProperty("sink").GetString() == "verify");
        Assert.True(verify.GetProperty("backlog").GetInt64() >= 20);

        var metrics = await http.GetStringAsync(new Uri("metrics", UriKind.Relative));
        Assert.Matches(@"hybrid_store_written_total\{[^}]*\} [1-9]", metrics);
        Assert.Matches(@"hybrid_sink_backlog\{[^}]*lane=""normal""[^}]*sink=""verify""[^}]*\} [1-9]", metrics);
        Assert.Contains("service_instance_id=\"status-test\"", metrics, StringComparison.Ordinal);
        using var missing = await http.GetAsync(new Uri("nope", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        // The CLI asks the running agent rather than the file.
        await using var cli = ChildProcess.Start(RepositoryPaths.EdgeAgent, ["status"], environment);
        Assert.Equal(0, await cli.WaitForExitAsync(Timeout));
        Assert.Contains("agent running", cli.Output, StringComparison.Ordinal);
        Assert.Contains("verify", cli.Output, StringComparison.Ordinal);

        agent.Signal(15);
        Assert.Equal(0, await agent.WaitForExitAsync(Timeout));

        // Stopped: the CLI reads the file and says so.
        await using var offline = ChildProcess.Start(RepositoryPaths.EdgeAgent, ["status"], environment);
        Assert.Equal(0, await offline.WaitForExitAsync(Timeout));
        Assert.Contains("read from the store file", offline.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoint_PortTaken_LoggedAndTheAgentRunsOn()
    {
        using var data = new TempDirectory("edge-status");
        using var blocker = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((IPEndPoint)blocker.LocalEndpoint).Port;
        await using var agent = ChildProcess.Start(RepositoryPaths.EdgeAgent, ["run"], Environment(data, port));

        await agent.WaitForOutputAsync("status endpoint not started", Timeout);
        await agent.WaitForOutputAsync("Hybrid:Status:Port (a free port)", Timeout);
        Assert.False(agent.HasExited);
        agent.Signal(15);
        Assert.Equal(0, await agent.WaitForExitAsync(Timeout));
    }

    private static Dictionary<string, string?> Environment(TempDirectory data, int port) => new()
    {
        ["Hybrid__Agent__DeviceId"] = "status-test",
        ["Hybrid__Agent__DataDirectory"] = data.Path,
        ["Hybrid__Mqtt__Enabled"] = "false",
        ["Hybrid__Store__Sinks__0"] = "verify",
        ["Hybrid__Capture__Simulated__Enabled"] = "true",
        ["Hybrid__Capture__Simulated__Interval"] = "00:00:00.050",
        ["Hybrid__Status__Port"] = port.ToString(CultureInfo.InvariantCulture),
    };

    private static async Task<JsonDocument> StatusAsync(HttpClient http) =>
        JsonDocument.Parse(await http.GetStringAsync(new Uri("status", UriKind.Relative)));
}
