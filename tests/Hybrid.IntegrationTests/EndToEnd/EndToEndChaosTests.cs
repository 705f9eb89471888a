using System.Diagnostics;
using Hybrid.Edge.Mqtt;
using Hybrid.Edge.Store;
using Hybrid.Edge.Uplink;
using Hybrid.IntegrationTests.Uplink;
using Xunit.Abstractions;

namespace Hybrid.IntegrationTests.EndToEnd;

/// <summary>
/// The whole pipeline under a seeded schedule of faults while the agent captures steadily: mosquitto, the Function and
/// the agent killed with SIGKILL, Azurite stopped, and one round with the store overflowing under a capacity policy.
/// An independent reader then counts every <c>(device, epoch, seq)</c> in the queues and on the MQTT topic.
/// <c>HYBRID_CHAOS_SEED</c> picks another schedule; the schedule run is printed.
/// </summary>
[Collection(UplinkServices.Name)]
public sealed class EndToEndChaosTests(UplinkFixture fixture, ITestOutputHelper output)
{
    private const int Cycles = 2;

    /// <summary>No new round starts after this; every round is also bounded by <see cref="ChaosPipeline.RecoveryTimeout"/>.</summary>
    private static readonly TimeSpan RoundsBudget = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Pipeline_ServicesKilledAndRestartedUnderSteadyCapture_QueuesMissOnlyCountedDropsAndDoubleOnlyWhereTheReadmeSays()
    {
        var seed = ChaosSchedule.Seed();
        var schedule = ChaosSchedule.Create(seed, Cycles);
        output.WriteLine($"seed {seed} (set {ChaosSchedule.SeedVariable} to change); schedule:");
        foreach (var round in schedule)
        {
            output.WriteLine($"  {round}");
        }

        var clock = Stopwatch.StartNew();
        var results = new List<ChaosRoundResult>();
        PipelineProgress final;
        List<(string Epoch, long Seq)> topic;
        List<(string Epoch, long Seq)> queued;
        await using (var pipeline = await ChaosPipeline.StartAsync(fixture))
        {
            foreach (var round in schedule)
            {
                if (clock.Elapsed > RoundsBudget && results.Exists(r => r.Round.Fault == round.Fault))
                {
                    output.WriteLine($"skipped (past the {RoundsBudget.TotalSeconds} s budget): {round}");
                    continue;
                }

                results.Add(await pipeline.RunAsync(round));
                output.WriteLine($"ran {results[^1]}");
            }

            results.Add(await pipeline.RunAsync(new ChaosRound(schedule.Count + 1, ChaosFault.FinalDrain, TimeSpan.Zero, TimeSpan.Zero)));
            output.WriteLine($"ran {results[^1]}");
            await pipeline.StopAgentAsync();
            final = pipeline.Progress();
            topic = await pipeline.ReadTopicAsync(final);
            queued = [.. (await fixture.DrainAsync(pipeline.Device)).Select(i => (i.Epoch, i.Seq))];
        }

        var windows = results.SelectMany(r => r.Windows()).ToList();
        var queues = DeliveryLedger.Count("queues", final, queued);
        var mqtt = DeliveryLedger.Count("MQTT topic", final, topic);
        var capacityDrops = final.DropCount(DropReason.Capacity);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0} s; final store: {final}");
        output.WriteLine($"{queues}; duplicates by cause: {queues.DuplicatesByCause(windows, UplinkService.SinkName)}; the agent's capacity drops: {capacityDrops}, of which {capacityDrops - queues.Missing.Count} were handed to the Function before their eviction and arrived");
        output.WriteLine($"{mqtt}; duplicates by cause: {mqtt.DuplicatesByCause(windows, MqttSinkService.SinkName)}");

        Assert.True(capacityDrops > 0, "the capacity round dropped nothing: it did not test the capacity policy");
        Assert.Equal(0, final.DeadLetters);
        // Queues: exactly once, except what the capacity policy dropped (the agent counted each) and the README's
        // at-least-once case: a request cut off by a storage failure (or by the Function's death) mid-fan-out.
        // The agent counts every reading it evicted before the uplink's cursor had passed it, and readings already
        // handed to the Function may still arrive (once): the request the Function died in may have enqueued part of
        // its batch, and a batch answered just before the eviction may not have moved the cursor yet. So the queues
        // miss at most the counted drops, and at most those two batches fewer.
        Assert.InRange(capacityDrops - queues.Missing.Count, 0, 2 * ChaosPipeline.MaxBatchItems);
        Assert.Empty(DeliveryLedger.Unexplained(queues.Missing, windows, UplinkService.SinkName, ChaosFault.StoreNearCapacity));
        Assert.Empty(DeliveryLedger.Unexplained(queues.ExtraCopies.Keys, windows, UplinkService.SinkName, ChaosFault.FunctionKilled, ChaosFault.AzuriteStopped, ChaosFault.StoreNearCapacity));
        Assert.Equal(0, queues.Unexpected);
        // MQTT: QoS 1 redelivers what the broker had not acknowledged when it or the agent died; a broker killed with
        // SIGKILL (no persistence) loses what it had not yet passed on, and the subscriber misses what is published
        // before it has subscribed again; the capacity policy may evict readings the restarted agent had not yet
        // published (counted among its drops). Nothing else.
        Assert.Empty(DeliveryLedger.Unexplained(mqtt.Missing, windows, MqttSinkService.SinkName, ChaosFault.BrokerKilled, ChaosFault.StoreNearCapacity));
        Assert.True(DeliveryLedger.Unexplained(mqtt.Missing, windows, MqttSinkService.SinkName, ChaosFault.BrokerKilled).Count <= capacityDrops, "MQTT misses more readings outside the broker's outages than the agent dropped");
        Assert.Empty(DeliveryLedger.Unexplained(mqtt.ExtraCopies.Keys, windows, MqttSinkService.SinkName, ChaosFault.BrokerKilled, ChaosFault.AgentKilled, ChaosFault.StoreNearCapacity, ChaosFault.FinalDrain));
        Assert.Equal(0, mqtt.Unexpected);
    }
}
