using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Services;

public sealed class EdgeAgentProcessTests
{
    private static string Agent => RepositoryPaths.EdgeAgent;

    [Fact]
    public async Task Run_Sigterm_LogsConfigAndStopsCleanly()
    {
        using var data = new TempDirectory("edge");
        await using var agent = ChildProcess.Start(Agent, ["run"], new Dictionary<string, string?>
        {
            ["Hybrid__Agent__DeviceId"] = "pi-test",
            ["Hybrid__Agent__DataDirectory"] = data.Path,
        });

        await agent.WaitForOutputAsync("Application started", TimeSpan.FromSeconds(30));
        agent.Signal(15);
        var exitCode = await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exitCode);
        Assert.Contains("device pi-test", agent.Output, StringComparison.Ordinal);
        Assert.Contains(data.Path, agent.Output, StringComparison.Ordinal);
        Assert.Contains("Hybrid edge agent stopped", agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigCheck_InvalidDeviceId_ExitsTwoNamingTheSetting()
    {
        await using var agent = ChildProcess.Start(Agent, ["config", "check"], new Dictionary<string, string?>
        {
            ["Hybrid__Agent__DeviceId"] = "not a valid id",
        });

        var exitCode = await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, exitCode);
        Assert.Contains("Hybrid:Agent:DeviceId", agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TwoSectionsInvalid_ExitsTwoNamingBoth()
    {
        await using var agent = ChildProcess.Start(Agent, ["run"], new Dictionary<string, string?>
        {
            ["Hybrid__Agent__DeviceId"] = "not a valid id",
            ["Hybrid__Mqtt__Port"] = "70000",
        });

        var exitCode = await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, exitCode);
        Assert.Contains("Hybrid:Agent:DeviceId", agent.Output, StringComparison.Ordinal);
        Assert.Contains("config error: Hybrid:Mqtt:Port (70000)", agent.Output, StringComparison.Ordinal);
    }
}
