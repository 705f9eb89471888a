using System.Text;
using Hybrid.QueueReader.Messages;

namespace Hybrid.UnitTests.Tools;

public sealed class QueueMessageDecoderTests
{
    private const string Packed =
        """{"v":1,"device":"pi-kitchen","epoch":"01JD3ABC","items":[""" +
        """{"seq":41,"type":"telemetry.temperature","ts":"2026-11-22T10:30:45.123Z","source":"simulated","key":"sensor-1","payload":{"value":21.4,"unit":"C"}},""" +
        """{"seq":42,"type":"telemetry.humidity","ts":"2026-11-22T10:30:45.223Z","source":"simulated","payload":[1,"é"]}]}""";

    [Fact]
    public void TryDecode_Base64PackedMessage_ReturnsEveryItemWithItsIdentityAndPayloadVerbatim()
    {
        var items = new List<QueueItem>();

        var decoded = QueueMessageDecoder.TryDecode(Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(Packed))), items, out var error);

        Assert.True(decoded, error);
        Assert.Equal(
            [
                new QueueItem("pi-kitchen", "01JD3ABC", 41, "telemetry.temperature", "2026-11-22T10:30:45.123Z", "simulated", "sensor-1", """{"value":21.4,"unit":"C"}""", null, null),
                new QueueItem("pi-kitchen", "01JD3ABC", 42, "telemetry.humidity", "2026-11-22T10:30:45.223Z", "simulated", null, """[1,"é"]""", null, null),
            ],
            items);
    }

    [Fact]
    public void TryDecode_RawJsonRejectedItem_KeepsReasonAndPayloadBytes()
    {
        var items = new List<QueueItem>();
        var body = """{"v":1,"device":"d","epoch":"e","items":[{"seq":7,"type":"x","payloadBytes":40000,"reason":"payload is 40000 bytes, more than 32768"}]}""";

        Assert.True(QueueMessageDecoder.TryDecode(Encoding.UTF8.GetBytes(body), items, out _));

        var item = Assert.Single(items);
        Assert.Equal((new ItemKey("d", "e", 7), 40000L, "payload is 40000 bytes, more than 32768", (string?)null), (item.Identity, item.PayloadBytes!.Value, item.Reason, item.Payload));
    }

    [Theory]
    [InlineData("""{"v":2,"device":"d","epoch":"e","items":[]}""", "not a version 1 message (\"v\" is missing or different)")]
    [InlineData("""{"v":1,"epoch":"e","items":[]}""", "\"device\", \"epoch\" or \"items\" is missing")]
    [InlineData("""{"v":1,"device":"d","epoch":"e","items":[{"seq":1},{"type":"x"}]}""", "an item has no integer \"seq\"")]
    [InlineData("WzEsMl0=", "the body is not a JSON object")]
    [InlineData("!!not base64!!", "the body is neither base64 nor a JSON object")]
    public void TryDecode_NotAV1Message_ReturnsFalseWithTheReasonAndAddsNothing(string body, string reason)
    {
        var items = new List<QueueItem> { new("kept", "e", 1, null, null, null, null, null, null, null) };

        var decoded = QueueMessageDecoder.TryDecode(Encoding.UTF8.GetBytes(body), items, out var error);

        Assert.False(decoded);
        Assert.Equal(reason, error);
        Assert.Equal("kept", Assert.Single(items).Device);
    }
}
