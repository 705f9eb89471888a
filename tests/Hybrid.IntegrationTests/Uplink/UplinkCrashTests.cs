using Hybrid.Edge.Store;
using Hybrid.Testing;
using Xunit.Abstractions;

namespace Hybrid.IntegrationTests.Uplink;

/// <summary>The agent process killed with SIGKILL while it drains a backlog, then started again on the same store.</summary>
[Collection(UplinkServices.Name)]
public sealed class UplinkCrashTests(UplinkFixture fixture, ITestOutputHelper output)
{
    private const int Backlog = 10_000;
    private const int Kills = 3;

    [Fact]
    public async Task Drain_AgentKilledMidBatchThreeTimesAndRestarted_NothingMissingNothingDoubled()
    {
        var device = UplinkAgent.NewDevice("crash");
        using var data = new TempDirectory("uplink-crash");
        await StoreSeeder.WriteAsync(device, data.Path, StoreSeeder.Numbered(Backlog, padding: 100));
        var settings = UplinkAgent.Settings(device, data.Path, fixture.IngestUrl, UplinkFixture.FunctionKey);
        // Small batches keep the drain long (≈ 1,000 requests) next to the store polling below: with 100 per batch a
        // fast machine drained the whole backlog between two polls, and the kill came after the drain, not during it.
        settings["Hybrid__Uplink__MaxBatchItems"] = "10";

        // Three runs killed as soon as they have settled a batch: the uplink sends back to back, so the next batch is
        // almost surely in flight (the Function has it, or part of it, when the agent dies).
        var kills = new List<StoreSnapshot>();
        for (var run = 0; run < Kills; run++)
        {
            var before = StoreSnapshot.Read(data.Path).Cursors[Lane.Normal];
            // Not StartAsync: the uplink drains before the host reports "started", and SIGKILL needs no handler.
            await using var agent = ChildProcess.Start(RepositoryPaths.EdgeAgent, ["run"], settings);
            await StoreSnapshot.WaitUntilAsync(data.Path, s => s.Cursors[Lane.Normal] > before, UplinkAgent.Timeout, () => agent.Output);
            agent.Signal(9);
            Assert.Equal(137, await agent.WaitForExitAsync(UplinkAgent.Timeout));
            kills.Add(StoreSnapshot.Read(data.Path));
        }

        long resent;
        await using (var agent = await UplinkAgent.StartAsync(settings))
        {
            await StoreSnapshot.WaitUntilAsync(data.Path, s => s.Drained, UplinkAgent.Timeout, () => agent.Output);
            await Eventually.UntilAsync(() => UplinkAgent.LastStats(agent) is { Backlog: 0 }, UplinkAgent.Timeout, () => agent.Output);
            resent = UplinkAgent.LastStats(agent)!.Duplicates;
            await UplinkAgent.StopAsync(agent);
        }

        var final = StoreSnapshot.Read(data.Path);
        var queued = await fixture.DrainAsync(device);
        var report = DeliveryReport.Compare(final.Written(), queued);
        output.WriteLine($"killed at {string.Join("; ", kills.Select(k => k.Describe()))}; the last restarted agent resent {resent} readings the Function already had (its dedupe answered them as duplicates); queues: {report}");

        Assert.All(kills, k => Assert.InRange(k.Cursors[Lane.Normal], 1, Backlog - 1));
        Assert.Equal(Backlog, final.LastSeqs[Lane.Normal]);
        Assert.True(report is { Missing.Count: 0, Duplicates: 0, Unexpected.Count: 0 }, report.ToString());
        Assert.Empty(final.DeadLetters);
    }
}
