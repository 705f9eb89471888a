using System.Diagnostics;
using System.Globalization;
using Hybrid.Edge.Store;
using Hybrid.Testing;
using Xunit.Abstractions;

namespace Hybrid.IntegrationTests.Uplink;

/// <summary>SIGTERM while a batch is in flight: the agent waits up to ShutdownGrace for the answer, then exits cleanly.</summary>
[Collection(UplinkServices.Name)]
public sealed class UplinkShutdownTests(UplinkFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Sigterm_FunctionNotAnsweringTheBatchInFlight_WaitsShutdownGraceExitsZeroAndTheNextStartSendsItAgain()
    {
        var device = UplinkAgent.NewDevice("grace");
        using var data = new TempDirectory("uplink-grace");
        await StoreSeeder.WriteAsync(device, data.Path, StoreSeeder.Numbered(50));
        var settings = UplinkAgent.Settings(device, data.Path, fixture.IngestUrl, UplinkFixture.FunctionKey);
        settings["Hybrid__Uplink__ShutdownGrace"] = Grace.ToString("c", CultureInfo.InvariantCulture);
        settings["Hybrid__Uplink__AttemptTimeout"] = "00:01:00";

        // The Function is frozen (SIGSTOP): the kernel still accepts the connection, nothing answers.
        Signal(fixture.App.ProcessId!.Value, "STOP");
        StoreSnapshot stopped;
        TimeSpan took;
        string log;
        try
        {
            await using var agent = await UplinkAgent.StartAsync(settings);
            await Eventually.UntilAsync(() => UplinkAgent.LastStats(agent) is { Sent: 50, Acknowledged: 0 }, UplinkAgent.Timeout, () => agent.Output);
            var clock = Stopwatch.StartNew();
            agent.Signal(15);
            var exitCode = await agent.WaitForExitAsync(UplinkAgent.Timeout);
            took = clock.Elapsed;
            log = agent.Output;
            Assert.True(exitCode == 0, $"the agent exited {exitCode} {took} after SIGTERM. Output:\n{log}");
            stopped = StoreSnapshot.Read(data.Path);
        }
        finally
        {
            Signal(fixture.App.ProcessId!.Value, "CONT");
        }

        output.WriteLine($"exited {took} after SIGTERM with {stopped.Describe()}");
        Assert.InRange(took, Grace - TimeSpan.FromMilliseconds(500), Grace + TimeSpan.FromSeconds(20));
        Assert.Contains("uplink stopped before the Function answered the batch in flight", log, StringComparison.Ordinal);
        Assert.Contains("Hybrid edge agent stopped", log, StringComparison.Ordinal);
        Assert.Equal(0, stopped.Cursors[Lane.Normal]);

        await using (var agent = await UplinkAgent.StartAsync(settings))
        {
            await StoreSnapshot.WaitUntilAsync(data.Path, s => s.Drained, UplinkAgent.Timeout, () => agent.Output);
            await UplinkAgent.StopAsync(agent);
        }

        var final = StoreSnapshot.Read(data.Path);
        var report = DeliveryReport.Compare(final.Written(), await fixture.DrainAsync(device));
        Assert.True(report is { Missing.Count: 0, Duplicates: 0, Unexpected.Count: 0 }, report.ToString());
    }

    [Fact]
    public async Task Sigterm_WhileWaitingToRetry_StopsWithoutWaitingOutTheBackoffOrSendingAgain()
    {
        var device = UplinkAgent.NewDevice("backoff");
        using var data = new TempDirectory("uplink-backoff");
        await StoreSeeder.WriteAsync(device, data.Path, StoreSeeder.Numbered(10));

        // Nothing listens on the port: each attempt fails at once, and the next is due only after a long backoff.
        var settings = UplinkAgent.Settings(device, data.Path, new Uri($"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}/api/ingest"), UplinkFixture.FunctionKey);
        settings["Hybrid__Uplink__RetryMin"] = "00:00:30";
        settings["Hybrid__Uplink__RetryMax"] = "00:00:30";
        settings["Hybrid__Uplink__ShutdownGrace"] = "00:00:25";
        await using var agent = await UplinkAgent.StartAsync(settings);
        await agent.WaitForOutputAsync("attempt 2 follows in", UplinkAgent.Timeout);

        var clock = Stopwatch.StartNew();
        await UplinkAgent.StopAsync(agent);
        var took = clock.Elapsed;

        output.WriteLine($"exited {took} after SIGTERM");
        Assert.True(took < TimeSpan.FromSeconds(10), $"SIGTERM during a 30 s backoff took {took}. Output:\n{agent.Output}");
        Assert.Equal(10, UplinkAgent.LastStats(agent)?.Sent);
        Assert.Equal(0L, StoreSnapshot.Read(data.Path).Cursors[Lane.Normal]);
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
