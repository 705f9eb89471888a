using System.Text.Json;
using Hybrid.Functions.Ingest;
using static Hybrid.UnitTests.Ingest.IngestTestData;

namespace Hybrid.UnitTests.Ingest;

public sealed class MessagePackerTests
{
    private static readonly byte[] Prefix = QueueMessageWriter.Prefix("pi-kitchen", Epoch);

    [Fact]
    public void Pack_1000ItemsOf200Bytes_FillsMessagesUpToTheBase64Limit()
    {
        var payload = "{\"v\":\"" + new string('x', 192) + "\"}";
        var items = Enumerable.Range(1, 1000).Select(i => new PackItem(Reading(i, payload: payload), i, null)).ToList();

        var messages = new MessagePacker(65536, PackingMode.Packed).Pack("telemetry", Prefix, items);

        Assert.All(messages, m => Assert.True(Convert.ToBase64String(m.Text.Span).Length <= 65536));
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), messages.SelectMany(Seqs));
        Assert.Equal(1000, messages.Sum(m => m.ItemCount));

        // Every message but the last is full: one more item would not have fitted.
        var itemSize = messages[0].Text.Length / messages[0].ItemCount;
        Assert.All(messages.SkipLast(1), m => Assert.True(m.Text.Length + itemSize > 49152));
        Assert.Equal(items[0].Seq, messages[0].MinSeq);
    }

    [Fact]
    public void Pack_Single_PutsOneItemPerMessage()
    {
        var items = Enumerable.Range(1, 5).Select(i => new PackItem(Reading(i), i, null)).ToList();

        var messages = new MessagePacker(65536, PackingMode.Single).Pack("telemetry", Prefix, items);

        Assert.Equal(5, messages.Count);
        Assert.Equal([1L, 2, 3, 4, 5], messages.Select(m => m.MinSeq));
        Assert.All(messages, m => Assert.Equal(1, m.ItemCount));
    }

    [Fact]
    public void Pack_LargestValidItem_FitsOneMessage()
    {
        var payload = "\"" + new string('é', (32 * 1024 / 2) - 1) + "\"";
        var reading = new Hybrid.Contracts.WireReading
        {
            Seq = 1, Type = new string('t', 128), Ts = Now, Source = new string('\u2028', 128), Key = new string('"', 256),
            Payload = JsonDocument.Parse(payload).RootElement.Clone(),
        };

        var messages = new MessagePacker(49152, PackingMode.Packed).Pack("telemetry", Prefix, [new PackItem(reading, 1, null)]);

        Assert.Single(messages);
        Assert.True(Convert.ToBase64String(messages[0].Text.Span).Length <= 49152);
    }

    [Fact]
    public void Format_CarriesEnvelopeItemFieldsAndVerbatimPayload()
    {
        var messages = new MessagePacker(65536, PackingMode.Packed).Pack("ingest-rejected", Prefix,
            [new PackItem(Reading(42, payload: "{\"value\":21.4,\"unit\":\"C\"}"), 42, "type 'X' must be 1-128 characters")]);

        using var json = JsonDocument.Parse(messages[0].Text);
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("v").GetInt32());
        Assert.Equal("pi-kitchen", root.GetProperty("device").GetString());
        Assert.Equal(Epoch, root.GetProperty("epoch").GetString());
        var item = root.GetProperty("items")[0];
        Assert.Equal(42, item.GetProperty("seq").GetInt64());
        Assert.Equal("telemetry.temperature", item.GetProperty("type").GetString());
        Assert.Equal("2026-11-22T10:30:00Z", item.GetProperty("ts").GetString());
        Assert.Equal("simulated", item.GetProperty("source").GetString());
        Assert.Equal("sensor-1", item.GetProperty("key").GetString());
        Assert.Equal("{\"value\":21.4,\"unit\":\"C\"}", item.GetProperty("payload").GetRawText());
        Assert.Equal("type 'X' must be 1-128 characters", item.GetProperty("reason").GetString());
    }

    [Fact]
    public void Format_RejectedOversizePayload_IsReplacedByItsSize()
    {
        var reading = Reading(3, type: new string('T', 1000), payload: "\"" + new string('x', 40000) + "\"");

        var messages = new MessagePacker(65536, PackingMode.Packed).Pack("ingest-rejected", Prefix, [new PackItem(reading, 3, "too big")]);

        using var json = JsonDocument.Parse(messages[0].Text);
        var item = json.RootElement.GetProperty("items")[0];
        Assert.Equal(40002, item.GetProperty("payloadBytes").GetInt32());
        Assert.False(item.TryGetProperty("payload", out _));
        Assert.Equal(256, item.GetProperty("type").GetString()!.Length);
    }

    private static IEnumerable<long> Seqs(OutgoingMessage message)
    {
        using var json = JsonDocument.Parse(message.Text);
        return [.. json.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("seq").GetInt64())];
    }
}
