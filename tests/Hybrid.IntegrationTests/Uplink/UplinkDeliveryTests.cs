using System.Text.Json;
using Hybrid.Edge.Store;
using Hybrid.IntegrationTests.Ingest;
using Hybrid.Testing;
using Xunit.Abstractions;

namespace Hybrid.IntegrationTests.Uplink;

/// <summary>Simulated capture → store → uplink → Function → queues, with real processes end to end.</summary>
[Collection(UplinkServices.Name)]
public sealed class UplinkDeliveryTests(UplinkFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task SimulatedCapture_BothLanes_EveryReadingQueuedExactlyOnceWithItsPayloadOnItsRoute()
    {
        var device = UplinkAgent.NewDevice("sim");
        using var data = new TempDirectory("uplink-sim");
        var settings = UplinkAgent.Settings(device, data.Path, fixture.IngestUrl, UplinkFixture.FunctionKey)
            .WithSimulatedSensors(TimeSpan.FromMilliseconds(50), ("t1", "telemetry.temperature"), ("h1", "telemetry.humidity"), ("door", "alert.door"));
        settings.Remove("Hybrid__Uplink__Linger"); // the default linger: partial normal batches wait, alerts do not

        // Run 1: capture and uplink together until a few hundred readings of each lane are settled, then SIGTERM.
        await using (var agent = await UplinkAgent.StartAsync(settings))
        {
            await StoreSnapshot.WaitUntilAsync(data.Path, s => s.Cursors[Lane.High] >= 100 && s.Cursors[Lane.Normal] >= 200, UplinkAgent.Timeout, () => agent.Output);
            await UplinkAgent.StopAsync(agent);
        }

        var stopped = StoreSnapshot.Read(data.Path);
        var firstRun = await fixture.DrainAsync(device);

        // Run 2: capture off; the uplink drains what run 1 captured after its last settled batch.
        settings["Hybrid__Capture__Simulated__Enabled"] = "false";
        await using (var agent = await UplinkAgent.StartAsync(settings))
        {
            await StoreSnapshot.WaitUntilAsync(data.Path, s => s.Drained, UplinkAgent.Timeout, () => agent.Output);
            await UplinkAgent.StopAsync(agent);
        }

        var final = StoreSnapshot.Read(data.Path);
        var queued = firstRun.Concat(await fixture.DrainAsync(device)).ToList();
        var afterStop = DeliveryReport.Compare(stopped.Written(stopped.Cursors), firstRun);
        var overall = DeliveryReport.Compare(final.Written(), queued);
        output.WriteLine($"run 1 stopped at {stopped.Describe()}; final {final.Describe()}; {queued.Count} items queued");

        // A clean stop settles the batch in flight: the queues hold exactly what the cursor covers.
        Assert.True(afterStop is { Missing.Count: 0, Duplicates: 0, Unexpected.Count: 0 }, $"after SIGTERM: {afterStop}");
        Assert.Equal(stopped.LastSeqs, final.LastSeqs);
        Assert.True(overall is { Missing.Count: 0, Duplicates: 0, Unexpected.Count: 0 }, $"overall: {overall}");
        Assert.Empty(final.DeadLetters);

        // Routes: the alert lane went to the alerts queue, the telemetry lane to the telemetry queue.
        var byEpoch = queued.ToLookup(q => q.Epoch);
        Assert.All(byEpoch[final.Epochs[Lane.High]], q => Assert.Equal((UplinkFixture.AlertsQueue, "alert.door"), (q.Queue, q.Type)));
        Assert.All(byEpoch[final.Epochs[Lane.Normal]], q => Assert.Equal(UplinkFixture.TelemetryQueue, q.Queue));
        Assert.Equal(final.LastSeqs[Lane.Normal], byEpoch[final.Epochs[Lane.Normal]].Count());

        // Payloads: every queued item carries the stored reading's type and payload (compared as JSON).
        var rows = stopped.Rows.Concat(final.Rows).DistinctBy(r => (r.Lane, r.Seq)).ToDictionary(r => (final.Epochs[r.Lane], r.Seq));
        Assert.Equal(final.LastSeqs.Values.Sum(), rows.Count);
        Assert.All(queued, q => AssertSameReading(rows[(q.Epoch, q.Seq)], q));
    }

    internal static void AssertSameReading(StoredRow stored, QueuedItem queued)
    {
        Assert.Equal(stored.Type, queued.Type);
        using var expected = JsonDocument.Parse(stored.Payload);
        using var actual = JsonDocument.Parse(queued.Payload ?? "null");
        Assert.True(JsonElement.DeepEquals(expected.RootElement, actual.RootElement), $"seq {stored.Seq}: stored {stored.Payload}, queued {queued.Payload}");
    }
}
