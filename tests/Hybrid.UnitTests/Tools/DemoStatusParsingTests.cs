using System.Text.Json;
using Hybrid.Demo.Watch;
using Hybrid.Edge.Status;
using Hybrid.Edge.Store;

namespace Hybrid.UnitTests.Tools;

/// <summary>The demo reads the agent's <c>/status</c> JSON: this parses what the agent's own serializer writes.</summary>
public sealed class DemoStatusParsingTests
{
    [Fact]
    public void Parse_TheAgentsStatusDocument_ReadsLanesBacklogsDropsAndUplinkCounters()
    {
        var document = new StatusDocument(
            true,
            "demo-pi",
            12.5,
            new StoreReport(
                "/data/store.db",
                "demo-pi",
                3,
                [new LaneReport("high", "01EPOCHHIGH", 1, 7, 7, 500), new LaneReport("normal", "01EPOCHNORMAL", 90, 120, 31, 2600)],
                [
                    new SinkReport("mqtt", [new SinkLaneReport("high", 7, 0, null), new SinkLaneReport("normal", 118, 2, 0.3)], 1),
                    new SinkReport("uplink", [new SinkLaneReport("high", 5, 2, 1.0), new SinkLaneReport("normal", 100, 20, 4.2)], 3),
                ],
                new Dictionary<string, long> { ["channel-full"] = 4, ["capacity"] = 9, ["stopped"] = 1 }),
            new MqttStatusDocument("connected", 125, 118, 2, 0),
            new UplinkStatusDocument("open", null, "Connection refused", 110, 105, 100, 5, 3, 17),
            []);
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(document, StatusJsonContext.Default.StatusDocument));

        var snapshot = AgentStatusClient.Parse(json.RootElement);

        Assert.Equal([new LaneSnapshot("high", "01EPOCHHIGH", 7), new LaneSnapshot("normal", "01EPOCHNORMAL", 120)], snapshot.Lanes);
        Assert.Equal([new SinkSnapshot("mqtt", 2, 1), new SinkSnapshot("uplink", 22, 3)], snapshot.Sinks);
        Assert.Equal((127L, 14L, 5L, 132L), (snapshot.Stored, snapshot.Dropped, snapshot.DroppedBeforeStore, snapshot.Captured));
        Assert.Equal(("connected", 118L), (snapshot.MqttConnection, snapshot.MqttAcknowledged));
        Assert.Equal(new UplinkSnapshot("open", null, "Connection refused", 110, 105, 5, 17), snapshot.Uplink);
    }
}
