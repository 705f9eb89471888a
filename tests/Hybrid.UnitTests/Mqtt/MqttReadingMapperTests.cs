using System.Text;
using System.Text.Json;
using Hybrid.Edge.Capture;
using Hybrid.Edge.Mqtt;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.UnitTests.Mqtt;

public sealed class MqttReadingMapperTests
{
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    private static MqttReadingMapper CreateSut() => MqttCaptureService.CreateMapper(
        new MqttOptions
        {
            TopicTemplate = "hybrid/{device}/{type}",
            Capture = new MqttCaptureOptions { TypeMap = [new MqttTypeMapping { Filter = "zigbee2mqtt/+/temperature", Type = "telemetry.temperature" }] },
        },
        "pi",
        Time);

    [Fact]
    public void TryMap_JsonPayload_KeptVerbatimWithMappedType()
    {
        var payload = "{\"value\": 21.5, \"unit\":\"C\"}"u8.ToArray();

        Assert.True(CreateSut().TryMap(new MqttMessage("zigbee2mqtt/kitchen/temperature", payload, 1, false), out var reading));

        Assert.Equal("telemetry.temperature", reading.Type);
        Assert.Equal("zigbee2mqtt/kitchen/temperature", reading.Key);
        Assert.Equal("mqtt", reading.Source);
        Assert.Equal(Time.GetUtcNow(), reading.Ts);
        Assert.Equal(payload, reading.PayloadJson.ToArray());
    }

    [Fact]
    public void TryMap_TextPayload_BecomesJsonStringAndDefaultType()
    {
        Assert.True(CreateSut().TryMap(new MqttMessage("Tasmota/Plug 1/POWER", "ON"u8.ToArray(), 0, false), out var reading));

        Assert.Equal("mqtt.tasmota.plug-1.power", reading.Type);
        Assert.Equal("\"ON\"", Encoding.UTF8.GetString(reading.PayloadJson.Span));
    }

    [Fact]
    public void TryMap_BinaryPayload_BecomesBase64WithEncodingFlag()
    {
        byte[] payload = [0xff, 0x00, 0xfe, 0x80];

        Assert.True(CreateSut().TryMap(new MqttMessage("ble/raw", payload, 0, false), out var reading));

        var json = JsonDocument.Parse(reading.PayloadJson).RootElement;
        Assert.Equal("base64", json.GetProperty("encoding").GetString());
        Assert.Equal(payload, json.GetProperty("data").GetBytesFromBase64());
    }

    [Fact]
    public void TryMap_NumberText_IsJsonAndKept()
    {
        Assert.True(CreateSut().TryMap(new MqttMessage("sensors/x", "42"u8.ToArray(), 0, false), out var reading));

        Assert.Equal("42", Encoding.UTF8.GetString(reading.PayloadJson.Span));
    }

    [Theory]
    [InlineData("hybrid/pi/telemetry.temperature")]
    [InlineData("hybrid/pi/status")]
    [InlineData("hybrid/pi/health")]
    public void TryMap_AgentsOwnTopics_Refused(string topic) =>
        Assert.False(CreateSut().TryMap(new MqttMessage(topic, "{}"u8.ToArray(), 1, false), out _));

    [Fact]
    public void TryMap_OtherDevicesTopics_Captured() =>
        Assert.True(CreateSut().TryMap(new MqttMessage("hybrid/other-pi/telemetry.temperature", "{}"u8.ToArray(), 1, false), out _));
}
