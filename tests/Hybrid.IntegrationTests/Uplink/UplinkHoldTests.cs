using Hybrid.Edge.Store;
using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Uplink;

/// <summary>A wrong setting holds the uplink: nothing advances, nothing is dead-lettered, the log names the setting.</summary>
[Collection(UplinkServices.Name)]
public sealed class UplinkHoldTests(UplinkFixture fixture)
{
    [Fact]
    public async Task WrongFunctionKey_HoldsWithoutAdvancingOrDeadLettering_ThenTheRightKeyDeliversEverythingOnce()
    {
        var device = UplinkAgent.NewDevice("key");
        using var data = new TempDirectory("uplink-key");
        await StoreSeeder.WriteAsync(device, data.Path,
            StoreSeeder.Numbered(300).Concat(StoreSeeder.Numbered(20, type: "alert.smoke")));
        var settings = UplinkAgent.Settings(device, data.Path, fixture.IngestUrl, "not-the-key");

        StoreSnapshot held;
        string heldLog;
        await using (var agent = await UplinkAgent.StartAsync(settings))
        {
            // Several attempts (the held batch is the 20 alerts, sent again about every RetryMax), all refused.
            await Eventually.UntilAsync(() => UplinkAgent.LastStats(agent) is { Held: true, Sent: >= 60 }, UplinkAgent.Timeout, () => agent.Output);
            held = StoreSnapshot.Read(data.Path);
            await UplinkAgent.StopAsync(agent);
            heldLog = agent.Output;
        }

        var queuedWhileHeld = await fixture.DrainAsync(device);

        settings["Hybrid__Uplink__FunctionKey"] = UplinkFixture.FunctionKey;
        await using (var agent = await UplinkAgent.StartAsync(settings))
        {
            await StoreSnapshot.WaitUntilAsync(data.Path, s => s.Drained, UplinkAgent.Timeout, () => agent.Output);
            await UplinkAgent.StopAsync(agent);
        }

        var final = StoreSnapshot.Read(data.Path);
        var report = DeliveryReport.Compare(final.Written(), await fixture.DrainAsync(device));

        Assert.Equal((0L, 0L), (held.Cursors[Lane.High], held.Cursors[Lane.Normal]));
        Assert.Empty(held.DeadLetters);
        Assert.Empty(queuedWhileHeld);
        Assert.Contains("uplink held: HTTP 401: the Function refused the key; check Hybrid:Uplink:FunctionKey", heldLog, StringComparison.Ordinal);
        Assert.Contains("HELD (HTTP 401", heldLog, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-key", heldLog, StringComparison.Ordinal);

        Assert.Equal((20L, 300L), (final.LastSeqs[Lane.High], final.LastSeqs[Lane.Normal]));
        Assert.True(report is { Missing.Count: 0, Duplicates: 0, Unexpected.Count: 0 }, report.ToString());
        Assert.Empty(final.DeadLetters);
    }

    [Fact]
    public async Task WrongUrl_HoldsNamingHybridUplinkUrlAndStopsCleanlyWhileHeld()
    {
        var device = UplinkAgent.NewDevice("url");
        using var data = new TempDirectory("uplink-url");
        await StoreSeeder.WriteAsync(device, data.Path, StoreSeeder.Numbered(50));
        var settings = UplinkAgent.Settings(device, data.Path, new Uri(fixture.App.BaseAddress, "api/ingest-typo"), UplinkFixture.FunctionKey);

        StoreSnapshot held;
        string log;
        await using (var agent = await UplinkAgent.StartAsync(settings))
        {
            await Eventually.UntilAsync(() => UplinkAgent.LastStats(agent) is { Held: true, Sent: >= 150 }, UplinkAgent.Timeout, () => agent.Output);
            held = StoreSnapshot.Read(data.Path);
            await UplinkAgent.StopAsync(agent);
            log = agent.Output;
        }

        Assert.Equal(0L, held.Cursors[Lane.Normal]);
        Assert.Empty(held.DeadLetters);
        Assert.Empty(await fixture.DrainAsync(device));
        Assert.Contains("uplink held: HTTP 404: no ingest Function at this URL; check Hybrid:Uplink:Url", log, StringComparison.Ordinal);
        Assert.Contains("Hybrid edge agent stopped", log, StringComparison.Ordinal);
    }
}
