using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Store;

/// <summary>The store inside the real agent process.</summary>
public sealed class StoreAgentTests
{
    private static string Agent => RepositoryPaths.EdgeAgent;

    [Fact]
    public async Task Run_OpensTheStoreInTheDataDirectoryAndLogsStats()
    {
        using var data = new TempDirectory("edge-store");
        await using var agent = ChildProcess.Start(Agent, ["run"], new Dictionary<string, string?>
        {
            ["Hybrid__Agent__DeviceId"] = "pi-store",
            ["Hybrid__Agent__DataDirectory"] = data.Path,
            ["Hybrid__Store__StatsInterval"] = "00:00:00.500",
        });

        await agent.WaitForOutputAsync("store: high 0 rows", TimeSpan.FromSeconds(30));
        agent.Signal(15);
        var exitCode = await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exitCode);
        Assert.True(File.Exists(Path.Combine(data.Path, "store.db")));
        Assert.Contains($"Store {Path.Combine(data.Path, "store.db")} open", agent.Output, StringComparison.Ordinal);
        Assert.Contains("dropped channel-full=0 capacity=0 ttl=0 disk-floor=0 disk-full=0 stopped=0", agent.Output, StringComparison.Ordinal);
        Assert.Contains("closed: 0 readings written this run", agent.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Hybrid__Store__CapacityPolicy", "drop-newest", "Hybrid:Store:CapacityPolicy must be drop-oldest or reject-new")]
    [InlineData("Hybrid__Store__Ttl", "-00:01:00", "Hybrid:Store:Ttl is")]
    [InlineData("Hybrid__Store__HighLanePatterns__0", "Alert!", "Hybrid:Store:HighLanePatterns:0 'Alert!' is not a type pattern")]
    [InlineData("Hybrid__Store__MaxRows", "5", "Hybrid:Store:MaxRows is 5; it must be at least 1000")]
    [InlineData("Hybrid__Store__MinFreeDiskPercent", "70", "Hybrid:Store:MinFreeDiskPercent is 70; it must be between 0 and 50")]
    public async Task ConfigCheck_BadStoreSetting_ExitsTwoNamingTheSetting(string variable, string value, string message)
    {
        await using var agent = ChildProcess.Start(Agent, ["config", "check"], new Dictionary<string, string?> { [variable] = value });

        var exitCode = await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, exitCode);
        Assert.Contains(message, agent.Output, StringComparison.Ordinal);
    }
}
