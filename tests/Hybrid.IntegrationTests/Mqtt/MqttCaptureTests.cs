using System.Text;
using System.Text.Json;
using Hybrid.Edge.Hosting;
using Hybrid.Edge.Store;
using Hybrid.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hybrid.IntegrationTests.Mqtt;

/// <summary>The agent host in-process (real store in a temp directory, AddMqtt) against the real broker.</summary>
[Collection(Collections.Mosquitto)]
public sealed class MqttCaptureTests(MosquittoFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Capture_MosquittoPubMessages_LandInStoreWithMappedTypeAndOwnPublicationsAreNotRecaptured()
    {
        var broker = fixture.Broker;
        var device = $"cap-{Guid.NewGuid():N}"[..16];
        using var data = new TempDirectory("mqtt-capture");
        using var host = BuildHost(broker, device, data, new Dictionary<string, string?>
        {
            // Subscribe to everything, so the sink's own publications and the status topic reach the capture source.
            ["Hybrid:Mqtt:Capture:Topics:0"] = "#",
            ["Hybrid:Mqtt:Capture:TypeMap:0:Filter"] = $"{device}-sensors/+/temperature",
            ["Hybrid:Mqtt:Capture:TypeMap:0:Type"] = "telemetry.temperature",
        });
        await host.StartAsync();
        var reading = host.Services.GetRequiredService<ReadingStore>();
        var mqttSink = reading.GetSink("mqtt");
        var verify = reading.GetSink("verify");
        async Task<List<StoredReading>> AllAsync() => [.. await verify.ReadAsync(Lane.Normal, 0, 10_000, int.MaxValue, CancellationToken.None)];
        try
        {
            // Wait until the capture subscription is live: probe until one probe lands in the store.
            await ProbeUntilCapturedAsync(broker, device, AllAsync);
            var before = (await AllAsync()).Count;

            await MqttTestClient.PublishWithMosquittoPubAsync(broker, $"{device}-sensors/kitchen/temperature", "{\"value\":21.5}");
            await MqttTestClient.PublishWithMosquittoPubAsync(broker, $"{device}-sensors/door/State", "OPEN");

            await MqttTestStore.WaitUntilAsync(() => AllAsync().Result.Count >= before + 2, Timeout);
            // The sink publishes both readings to hybrid/{device}/{type}; give the loop guard a chance to fail.
            await MqttTestStore.WaitUntilAsync(() => mqttSink.GetCursor(Lane.Normal) >= before + 2, Timeout);

            // A sentinel published after the broker acknowledged the sink's publications reaches the capture source
            // after them: once it is stored, a failed loop guard would have re-captured them already.
            var sentinel = $"{device}-sentinel/done";
            await MqttTestClient.PublishWithMosquittoPubAsync(broker, sentinel, "1");
            await MqttTestStore.WaitUntilAsync(() => AllAsync().Result.Any(r => r.Key == sentinel), Timeout);

            var all = (await AllAsync()).Where(r => r.Key != sentinel).ToList();
            var captured = all.Skip(before).ToList();
            Assert.Equal(2, captured.Count);
            Assert.Equal(("telemetry.temperature", $"{device}-sensors/kitchen/temperature", "mqtt"), (captured[0].Type, captured[0].Key, captured[0].Source));
            Assert.Equal(21.5, JsonDocument.Parse(captured[0].PayloadJson).RootElement.GetProperty("value").GetDouble());
            Assert.Equal($"mqtt.{device}-sensors.door.state", captured[1].Type);
            Assert.Equal("\"OPEN\"", Encoding.UTF8.GetString(captured[1].PayloadJson.Span));
            Assert.DoesNotContain(all, r => r.Key!.StartsWith($"hybrid/{device}/", StringComparison.Ordinal));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task ProbeUntilCapturedAsync(MosquittoBroker broker, string device, Func<Task<List<StoredReading>>> all)
    {
        for (var i = 0; i < 50; i++)
        {
            await MqttTestClient.PublishWithMosquittoPubAsync(broker, $"{device}-probe/{i}", "1");
            try
            {
                await MqttTestStore.WaitUntilAsync(() => all().Result.Any(r => r.Key!.StartsWith($"{device}-probe/", StringComparison.Ordinal)), TimeSpan.FromMilliseconds(500));
                return;
            }
            catch (TimeoutException)
            {
            }
        }

        throw new TimeoutException("the capture source never subscribed");
    }

    internal static IHost BuildHost(MosquittoBroker broker, string device, TempDirectory data, IDictionary<string, string?> settings)
    {
        var builder = AgentHost.CreateBuilder(null);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
        {
            ["Hybrid:Agent:DeviceId"] = device,
            ["Hybrid:Agent:DataDirectory"] = data.Path,
            ["Hybrid:Store:CommitInterval"] = "00:00:00",
            ["Hybrid:Capture:Simulated:Enabled"] = "false",
            ["Hybrid:Mqtt:Host"] = broker.Host,
            ["Hybrid:Mqtt:Port"] = MqttTestClient.Port(broker),
            ["Hybrid:Mqtt:Capture:Enabled"] = "true",
        });
        return builder.Build();
    }
}
