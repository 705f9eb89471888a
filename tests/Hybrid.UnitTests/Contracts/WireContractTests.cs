using System.Text;
using System.Text.Json;
using Hybrid.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.UnitTests.Contracts;

public sealed class WireContractTests
{
    private const string ValidBatch = """
        { "device": "pi-kitchen", "epoch": "01JD3Z6Q9X8V7T5R3N1K0M2P4S", "messages": [
          { "seq": 1042, "type": "telemetry.temperature", "ts": "2026-11-22T10:30:45.123Z",
            "source": "simulated", "key": "sensor-1", "payload": { "value": 21.4, "unit": "C" } },
          { "seq": 1043, "type": "alert.smoke", "ts": "2026-11-22T10:30:46Z",
            "source": "mqtt", "payload": "raw text" } ] }
        """;

    private static IngestBatch? Parse(string json) => JsonSerializer.Deserialize(json, ContractJsonContext.Default.IngestBatch);

    [Fact]
    public void Deserialize_ValidBatch_ReadsEveryField()
    {
        var batch = Parse(ValidBatch)!;

        Assert.Equal("pi-kitchen", batch.Device);
        Assert.Equal("01JD3Z6Q9X8V7T5R3N1K0M2P4S", batch.Epoch);
        Assert.Equal(2, batch.Messages.Count);
        var first = batch.Messages[0];
        Assert.Equal(1042, first.Seq);
        Assert.Equal("telemetry.temperature", first.Type);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 10, 30, 45, 123, TimeSpan.Zero), first.Ts);
        Assert.Equal("simulated", first.Source);
        Assert.Equal("sensor-1", first.Key);
        Assert.Equal(21.4, first.Payload.GetProperty("value").GetDouble());
        Assert.Equal("C", first.Payload.GetProperty("unit").GetString());
        Assert.Null(batch.Messages[1].Key);
        Assert.Equal("raw text", batch.Messages[1].Payload.GetString());
    }

    [Fact]
    public void RoundTrip_SerializeThenDeserialize_PreservesBatch()
    {
        var original = Parse(ValidBatch)!;

        var json = JsonSerializer.Serialize(original, ContractJsonContext.Default.IngestBatch);
        var copy = Parse(json)!;

        Assert.Contains("\"device\":\"pi-kitchen\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"key\":null", json, StringComparison.Ordinal);
        Assert.Equal(original.Messages.Select(m => (m.Seq, m.Type, m.Ts, m.Source, m.Key)),
            copy.Messages.Select(m => (m.Seq, m.Type, m.Ts, m.Source, m.Key)));
        Assert.All(original.Messages.Zip(copy.Messages), pair => Assert.True(JsonElement.DeepEquals(pair.First.Payload, pair.Second.Payload)));
    }

    [Fact]
    public void Deserialize_UnknownFields_AreIgnored()
    {
        var json = """
            { "device": "d1", "epoch": "01JD3Z6Q9X8V7T5R3N1K0M2P4S", "future": {"x": [1,2]}, "messages": [
              { "seq": 1, "type": "t", "ts": "2026-11-22T10:30:45Z", "source": "s", "payload": 1, "priority": "high" } ] }
            """;

        var batch = Parse(json)!;

        Assert.Equal("d1", batch.Device);
        Assert.Equal(1, batch.Messages[0].Seq);
        Assert.Equal(1, batch.Messages[0].Payload.GetInt32());
    }

    [Theory]
    [InlineData("""{ "epoch": "E", "messages": [] }""", "device")]
    [InlineData("""{ "device": "d", "messages": [] }""", "epoch")]
    [InlineData("""{ "device": "d", "epoch": "E" }""", "messages")]
    [InlineData("""{ "device": "d", "epoch": "E", "messages": [ { "type": "t", "ts": "2026-11-22T10:30:45Z", "source": "s", "payload": 1 } ] }""", "seq")]
    [InlineData("""{ "device": "d", "epoch": "E", "messages": [ { "seq": 1, "ts": "2026-11-22T10:30:45Z", "source": "s", "payload": 1 } ] }""", "type")]
    [InlineData("""{ "device": "d", "epoch": "E", "messages": [ { "seq": 1, "type": "t", "source": "s", "payload": 1 } ] }""", "ts")]
    [InlineData("""{ "device": "d", "epoch": "E", "messages": [ { "seq": 1, "type": "t", "ts": "2026-11-22T10:30:45Z", "payload": 1 } ] }""", "source")]
    [InlineData("""{ "device": "d", "epoch": "E", "messages": [ { "seq": 1, "type": "t", "ts": "2026-11-22T10:30:45Z", "source": "s" } ] }""", "payload")]
    public void Deserialize_MissingRequiredField_FailsNamingIt(string json, string field)
    {
        var ex = Assert.Throws<JsonException>(() => Parse(json));

        Assert.Contains($"'{field}'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "device": 5, "epoch": "E", "messages": [] }""", "$.device")]
    [InlineData("""{ "device": "d", "epoch": "E", "messages": {} }""", "$.messages")]
    [InlineData("""{ "device": "d", "epoch": "E", "messages": [ { "seq": "1", "type": "t", "ts": "2026-11-22T10:30:45Z", "source": "s", "payload": 1 } ] }""", "$.messages[0].seq")]
    [InlineData("""{ "device": "d", "epoch": "E", "messages": [ { "seq": 1.5, "type": "t", "ts": "2026-11-22T10:30:45Z", "source": "s", "payload": 1 } ] }""", "$.messages[0].seq")]
    [InlineData("""{ "device": "d", "epoch": "E", "messages": [ { "seq": 1, "type": "t", "ts": "yesterday", "source": "s", "payload": 1 } ] }""", "$.messages[0].ts")]
    [InlineData("""{ "device": "d", "epoch": "E", "messages": [ { "seq": 99999999999999999999, "type": "t", "ts": "2026-11-22T10:30:45Z", "source": "s", "payload": 1 } ] }""", "$.messages[0].seq")]
    public void Deserialize_WrongType_FailsWithPath(string json, string path)
    {
        var ex = Assert.Throws<JsonException>(() => Parse(json));

        Assert.Equal(path, ex.Path);
    }

    [Fact]
    public void Deserialize_TrailingComma_IsRejected()
    {
        Assert.Throws<JsonException>(() => Parse("""{ "device": "d", "epoch": "E", "messages": [], }"""));
    }

    [Fact]
    public void Serialize_Response_UsesCamelCaseContractNames()
    {
        var response = new IngestResponse { Accepted = 3, Duplicates = 1, Rejected = [new RejectedItem(7, "bad type")], Watermark = 9 };

        var json = JsonSerializer.Serialize(response, ContractJsonContext.Default.IngestResponse);

        Assert.Equal("""{"accepted":3,"duplicates":1,"rejected":[{"seq":7,"reason":"bad type"}],"watermark":9}""", json);
    }

    [Fact]
    public void EpochId_New_IsValidSortableAndUnique()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));

        var first = EpochId.New(time);
        var second = EpochId.New(time);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var later = EpochId.New(time);

        Assert.True(EpochId.IsValid(first), first);
        Assert.NotEqual(first, second);
        Assert.Equal(first[..10], second[..10]);
        Assert.True(string.CompareOrdinal(later, first) > 0 && string.CompareOrdinal(later, second) > 0);
    }

    [Theory]
    [InlineData("01JD3Z6Q9X8V7T5R3N1K0M2P4S", true)]
    [InlineData("01JD3Z6Q9X8V7T5R3N1K0M2P4", false)]
    [InlineData("01JD3Z6Q9X8V7T5R3N1K0M2P4SX", false)]
    [InlineData("01jd3z6q9x8v7t5r3n1k0m2p4s", false)]
    [InlineData("01JD3Z6Q9X8V7T5R3N1K0M2P4I", false)]
    [InlineData("81JD3Z6Q9X8V7T5R3N1K0M2P4S", false)]
    public void EpochId_IsValid_ChecksFormat(string value, bool expected) => Assert.Equal(expected, EpochId.IsValid(value));

    [Theory]
    [InlineData("pi-kitchen", true)]
    [InlineData("A.b_c-9", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("pi\n", false)]
    [InlineData("ü", false)]
    public void WireRules_Device_FollowsContract(string device, bool expected) => Assert.Equal(expected, WireRules.IsValidDevice(device));

    [Fact]
    public void WireRules_Device_LengthLimitIs64()
    {
        Assert.True(WireRules.IsValidDevice(new string('a', 64)));
        Assert.False(WireRules.IsValidDevice(new string('a', 65)));
    }

    [Theory]
    [InlineData("telemetry.temperature", true)]
    [InlineData("Telemetry", false)]
    [InlineData("alert/x", false)]
    public void WireRules_Type_FollowsContract(string type, bool expected) => Assert.Equal(expected, WireRules.IsValidType(type));

    [Fact]
    public void Deserialize_InvalidUtf8_Throws()
    {
        var bytes = Encoding.UTF8.GetBytes(ValidBatch);
        var index = Array.IndexOf(bytes, (byte)'k');
        bytes[index] = 0xFF;

        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(bytes, ContractJsonContext.Default.IngestBatch));
    }
}
