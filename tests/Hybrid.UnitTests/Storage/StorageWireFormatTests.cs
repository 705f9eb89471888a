using System.Text;
using System.Text.Json;
using Hybrid.Functions.Storage;

namespace Hybrid.UnitTests.Storage;

public sealed class StorageWireFormatTests
{
    [Fact]
    public void BuildMessageXml_WrapsBase64OfTheBytes()
    {
        var xml = StorageQueueClient.BuildMessageXml([0xff, 0x00, (byte)'<', (byte)'&']);

        Assert.Equal("<QueueMessage><MessageText>/wA8Jg==</MessageText></QueueMessage>", Encoding.UTF8.GetString(xml));
    }

    [Fact]
    public void BuildMessageXml_LargestBody_FillsExactly64KiBOfText()
    {
        var xml = Encoding.UTF8.GetString(StorageQueueClient.BuildMessageXml(new byte[StorageQueueClient.MaxMessageBytes]));

        var text = xml["<QueueMessage><MessageText>".Length..^"</MessageText></QueueMessage>".Length];
        Assert.Equal(64 * 1024, text.Length);
    }

    [Fact]
    public void ParseMessages_ServiceAnswer_DecodesEveryField()
    {
        const string answer = """
            <?xml version="1.0" encoding="utf-8"?>
            <QueueMessagesList>
              <QueueMessage>
                <MessageId>5974b586-0df3-4e2d-ad0c-18e3892bfca2</MessageId>
                <InsertionTime>Fri, 09 Oct 2009 21:04:30 GMT</InsertionTime>
                <ExpirationTime>Fri, 16 Oct 2009 21:04:30 GMT</ExpirationTime>
                <PopReceipt>YzQ4Yzg1MDItYTc0Ny00OWNjLTkxYTUtZGM0MDFiZDAwYzEw</PopReceipt>
                <TimeNextVisible>Fri, 09 Oct 2009 23:29:20 GMT</TimeNextVisible>
                <DequeueCount>3</DequeueCount>
                <MessageText>aGVsbG8=</MessageText>
              </QueueMessage>
              <QueueMessage>
                <MessageId>second</MessageId>
                <InsertionTime>Fri, 09 Oct 2009 21:04:31 GMT</InsertionTime>
                <ExpirationTime>Fri, 16 Oct 2009 21:04:31 GMT</ExpirationTime>
                <DequeueCount>0</DequeueCount>
                <MessageText>not base64 &amp; raw</MessageText>
              </QueueMessage>
            </QueueMessagesList>
            """;

        var messages = StorageQueueClient.ParseMessages(new MemoryStream(Encoding.UTF8.GetBytes(answer)));

        Assert.Equal(2, messages.Count);
        var first = messages[0];
        Assert.Equal("5974b586-0df3-4e2d-ad0c-18e3892bfca2", first.MessageId);
        Assert.Equal("YzQ4Yzg1MDItYTc0Ny00OWNjLTkxYTUtZGM0MDFiZDAwYzEw", first.PopReceipt);
        Assert.Equal("hello", Encoding.UTF8.GetString(first.Body.Span));
        Assert.Equal(3, first.DequeueCount);
        Assert.Equal(new DateTimeOffset(2009, 10, 9, 21, 4, 30, TimeSpan.Zero), first.InsertionTime);
        Assert.Equal(new DateTimeOffset(2009, 10, 16, 21, 4, 30, TimeSpan.Zero), first.ExpirationTime);
        Assert.Equal(new DateTimeOffset(2009, 10, 9, 23, 29, 20, TimeSpan.Zero), first.TimeNextVisible);
        Assert.Null(messages[1].PopReceipt);
        Assert.Null(messages[1].TimeNextVisible);
        Assert.Equal("not base64 & raw", Encoding.UTF8.GetString(messages[1].Body.Span));
    }

    [Fact]
    public void TableEntityToJson_AnnotatesInt64AndDateTimeAsStrings()
    {
        var json = new TableEntity("pi-1", "01JD3")
            .Set("Watermark", 9_007_199_254_740_993L)
            .Set("ClaimExpires", new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.FromHours(1)))
            .Set("ClaimId", "c1")
            .Set("Count", 3)
            .ToJson();

        Assert.Equal(
            "{\"PartitionKey\":\"pi-1\",\"RowKey\":\"01JD3\"," +
            "\"Watermark@odata.type\":\"Edm.Int64\",\"Watermark\":\"9007199254740993\"," +
            "\"ClaimExpires@odata.type\":\"Edm.DateTime\",\"ClaimExpires\":\"2026-11-23T11:00:00.0000000Z\"," +
            "\"ClaimId\":\"c1\",\"Count\":3}",
            Encoding.UTF8.GetString(json));
    }

    [Fact]
    public void TableEntityFromJson_NoMetadataStrings_StillReadAsInt64AndDate()
    {
        using var json = JsonDocument.Parse("""
            {"odata.metadata":"x","PartitionKey":"d","RowKey":"e","Timestamp":"2026-11-23T10:00:00.1234567Z",
             "Watermark":"42","ClaimExpires":"2026-11-23T11:00:00Z","Ratio":1.5,"Small":7,"Flag":false,"Gone":null}
            """);

        var entity = TableEntity.FromJson(json.RootElement, "W/\"x\"");

        Assert.Equal("W/\"x\"", entity.ETag);
        Assert.Equal(42L, entity.GetInt64("Watermark"));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 11, 0, 0, TimeSpan.Zero), entity.GetDateTimeOffset("ClaimExpires"));
        Assert.Equal(1.5, entity.GetDouble("Ratio"));
        Assert.Equal(7L, entity.GetInt64("Small"));
        Assert.False(entity.GetBoolean("Flag"));
        Assert.Equal(["Watermark", "ClaimExpires", "Ratio", "Small", "Flag"], entity.PropertyNames);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero).AddTicks(1234567), entity.Timestamp);
    }

    [Theory]
    [InlineData("telemetry", true)]
    [InlineData("ingest-rejected", true)]
    [InlineData("a1-b2", true)]
    [InlineData("ab", false)]
    [InlineData("Telemetry", false)]
    [InlineData("-alerts", false)]
    [InlineData("alerts-", false)]
    [InlineData("al--erts", false)]
    [InlineData("al_erts", false)]
    public void IsValidQueueName_FollowsServiceRules(string name, bool valid)
    {
        Assert.Equal(valid, StorageQueueClient.IsValidQueueName(name));
    }
}
