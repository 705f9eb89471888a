using System.Globalization;
using Hybrid.Edge.Store;
using Hybrid.Testing;
using Xunit.Abstractions;

namespace Hybrid.IntegrationTests.Uplink;

/// <summary>
/// The cloud side goes away under a running agent: the Function process is killed and restarted, then Azurite
/// (with the MQTT broker, which the agent also publishes to) is stopped and restarted. The backlog grows, then drains.
/// </summary>
[Collection(UplinkServices.Name)]
public sealed class UplinkOutageTests(UplinkFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Drain_FunctionKilledThenAzuriteAndBrokerStopped_BacklogGrowsThenDrainsWithNothingMissing()
    {
        var device = UplinkAgent.NewDevice("outage");
        using var data = new TempDirectory("uplink-outage");
        await using var broker = await MosquittoBroker.StartAsync();
        await StoreSeeder.WriteAsync(device, data.Path, StoreSeeder.Numbered(3000, padding: 100));
        var settings = UplinkAgent.Settings(device, data.Path, fixture.IngestUrl, UplinkFixture.FunctionKey)
            .WithSimulatedSensors(TimeSpan.FromMilliseconds(50), ("t1", "telemetry.temperature"), ("door", "alert.door"));
        settings["Hybrid__Uplink__MaxBatchItems"] = "100";
        settings["Hybrid__Mqtt__Enabled"] = "true";
        settings["Hybrid__Mqtt__Host"] = broker.Host;
        settings["Hybrid__Mqtt__Port"] = broker.Port.ToString(CultureInfo.InvariantCulture);
        settings["Hybrid__Mqtt__ReconnectMin"] = "00:00:00.200";
        settings["Hybrid__Mqtt__ReconnectMax"] = "00:00:01";

        var (functionUp, storageUp) = (true, true);
        StoreSnapshot functionKilled, functionOutage, storageStopped, storageOutage, recovered;
        try
        {
            await using var agent = await UplinkAgent.StartAsync(settings);
            Func<string> log = () => agent.Output;

            // 1. The Function is SIGKILLed while the seeded backlog drains (a batch is in flight nearly all the time).
            await StoreSnapshot.WaitUntilAsync(data.Path, s => s.Cursors[Lane.Normal] > 0, UplinkAgent.Timeout, log);
            await fixture.App.KillAsync();
            functionUp = false;
            functionKilled = StoreSnapshot.Read(data.Path);
            var retries = UplinkAgent.LastStats(agent)?.Retries ?? 0;
            await Eventually.UntilAsync(() => UplinkAgent.LastStats(agent)?.Retries >= retries + 3, UplinkAgent.Timeout, log);
            functionOutage = await StoreSnapshot.WaitUntilAsync(data.Path, s => s.LastSeqs[Lane.High] >= functionKilled.LastSeqs[Lane.High] + 20, UplinkAgent.Timeout, log);
            await fixture.App.RestartAsync();
            functionUp = true;

            // 2. Delivering again; then storage (and the broker) go away under load.
            await StoreSnapshot.WaitUntilAsync(data.Path, s => s.Cursors[Lane.Normal] >= functionOutage.Cursors[Lane.Normal] + 300, UplinkAgent.Timeout, log);
            await fixture.Azurite.StopAsync();
            storageUp = false;
            await broker.KillAsync();
            storageStopped = StoreSnapshot.Read(data.Path);
            retries = UplinkAgent.LastStats(agent)?.Retries ?? 0;
            await Eventually.UntilAsync(() => UplinkAgent.LastStats(agent)?.Retries >= retries + 3, UplinkAgent.Timeout, log);
            storageOutage = await StoreSnapshot.WaitUntilAsync(data.Path, s => s.LastSeqs[Lane.High] >= storageStopped.LastSeqs[Lane.High] + 20, UplinkAgent.Timeout, log);
            await fixture.Azurite.RestartAsync();
            storageUp = true;
            await broker.RestartAsync();

            // 3. Everything captured up to the recovery is settled; then a clean stop.
            recovered = StoreSnapshot.Read(data.Path);
            await StoreSnapshot.WaitUntilAsync(data.Path, s => StoreSnapshot.Lanes.All(l => s.Cursors[l] >= recovered.LastSeqs[l]), UplinkAgent.Timeout, log);
            await UplinkAgent.StopAsync(agent);
            Assert.Contains("HTTP 503", agent.Output, StringComparison.Ordinal);
        }
        finally
        {
            if (!functionUp)
            {
                await fixture.App.RestartAsync();
            }

            if (!storageUp)
            {
                await fixture.Azurite.RestartAsync();
            }
        }

        var final = StoreSnapshot.Read(data.Path);
        var queued = await fixture.DrainAsync(device);
        var report = DeliveryReport.Compare(final.Written(final.Cursors), queued);
        output.WriteLine($"Function killed at {functionKilled.Describe()}; during its outage {functionOutage.Describe()}");
        output.WriteLine($"Azurite stopped at {storageStopped.Describe()}; during its outage {storageOutage.Describe()}; recovered at {recovered.Describe()}");
        output.WriteLine($"final {final.Describe()}; queues: {report} (duplicates are at-least-once resends of batches the Function had enqueued when it or storage went away)");

        Assert.True(functionOutage.Backlog > functionKilled.Backlog, "the backlog did not grow while the Function was down");
        Assert.True(storageOutage.Backlog > storageStopped.Backlog, "the backlog did not grow while Azurite was down");
        Assert.True(report is { Missing.Count: 0, Unexpected.Count: 0 }, report.ToString());
        Assert.Empty(final.DeadLetters);
    }
}
