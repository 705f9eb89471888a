using System.Text;
using Hybrid.Functions.Ingest;
using static Hybrid.UnitTests.Ingest.IngestTestData;

namespace Hybrid.UnitTests.Ingest;

public sealed class BatchParserTests
{
    private const string Item = """{"seq":1,"type":"telemetry.t","ts":"2026-11-22T10:30:00.000Z","source":"s","payload":{}}""";

    [Theory]
    [InlineData("{\"device\":\"pi\",\"epoch\":\"" + Epoch + "\",\"messages\":[" + Item, 400, "The body is not a valid batch")]
    [InlineData("{\"device\":\"pi\",\"epoch\":\"" + Epoch + "\",\"messages\":{}}", 400, "$.messages")]
    [InlineData("{\"device\":\"pi\",\"epoch\":\"" + Epoch + "\",\"messages\":[{\"seq\":\"1\"}]}", 400, "$.messages[0].seq")]
    [InlineData("{\"device\":\"pi\",\"epoch\":\"" + Epoch + "\",\"messages\":[{\"seq\":99999999999999999999,\"type\":\"t\"}]}", 400, "$.messages[0].seq")]
    [InlineData("{\"device\":\"pi\",\"epoch\":\"" + Epoch + "\"}", 400, "messages")]
    [InlineData("{\"device\":\"bad id\",\"epoch\":\"" + Epoch + "\",\"messages\":[]}", 400, "device 'bad id' must be 1-64 characters")]
    [InlineData("{\"device\":\"pi\",\"epoch\":\"01jd3zk5v7q8r9s0t1v2w3x4y5\",\"messages\":[]}", 400, "is not an epoch id")]
    [InlineData("null", 400, "JSON null")]
    [InlineData("{\"device\":\"a\\nINFO forged\",\"epoch\":\"" + Epoch + "\",\"messages\":[]}", 400, "device 'a?INFO forged' must be")]
    [InlineData("[1,2]", 400, "The body is not a valid batch")]
    [InlineData("{\"device\":\"pi\",\"epoch\":\"" + Epoch + "\",\"settledThrough\":-1,\"messages\":[]}", 400, "settledThrough -1 must be 0 or more")]
    public void Parse_MalformedBody_RefusesWithStatusAndReason(string body, int status, string reason)
    {
        var (batch, problem) = BatchParser.Parse(Encoding.UTF8.GetBytes(body), 1000);

        Assert.Null(batch);
        Assert.Equal(status, problem!.StatusCode);
        Assert.Contains(reason, problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidUtf8_Refuses400()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"device\":\"pi\",\"epoch\":\"" + Epoch + "\",\"messages\":[]}");
        bytes[12] = 0xC3;
        bytes[13] = 0x28;

        var (_, problem) = BatchParser.Parse(bytes, 1000);

        Assert.Equal(400, problem!.StatusCode);
        Assert.Equal("The body is not valid UTF-8; send UTF-8 encoded JSON.", problem.Reason);
    }

    [Fact]
    public void Parse_DeepPayload_Refuses400AtTheDepthLimit()
    {
        var deep = new string('[', 100) + new string(']', 100);
        var body = $$"""{"device":"pi","epoch":"{{Epoch}}","messages":[{"seq":1,"type":"t","ts":"2026-11-22T10:30:00Z","source":"s","payload":{{deep}}}]}""";

        var (_, problem) = BatchParser.Parse(Encoding.UTF8.GetBytes(body), 1000);

        Assert.Equal(400, problem!.StatusCode);
        Assert.Contains("depth", problem.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Parse_TooManyItems_Refuses413WithTheCount()
    {
        var body = $$"""{"device":"pi","epoch":"{{Epoch}}","messages":[{{string.Join(',', Enumerable.Repeat(Item, 1001))}}]}""";

        var (_, problem) = BatchParser.Parse(Encoding.UTF8.GetBytes(body), 1000);

        Assert.Equal(413, problem!.StatusCode);
        Assert.StartsWith("The batch has 1001 items; at most 1000", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ValidBody_KeepsPayloadVerbatim()
    {
        var body = $$$"""{"device":"pi-kitchen","epoch":"{{{Epoch}}}","messages":[{"seq":7,"type":"telemetry.t","ts":"2026-11-22T10:30:45.123Z","source":"s","key":"k","payload":{"value":21.4,"unit":"C"}}],"extra":1}""";

        var (batch, problem) = BatchParser.Parse(Encoding.UTF8.GetBytes(body), 1000);

        Assert.Null(problem);
        Assert.Equal("pi-kitchen", batch!.Device);
        Assert.Equal(7, batch.Messages[0].Seq);
        Assert.Equal("""{"value":21.4,"unit":"C"}""", batch.Messages[0].Payload.GetRawText());
    }
}
