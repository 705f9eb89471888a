using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using static Hybrid.IntegrationTests.Ingest.IngestHttp;

namespace Hybrid.IntegrationTests.Ingest;

[Collection(IngestServices.Name)]
public sealed class IngestMalformedBodyTests(IngestAppFixture fixture)
{
    private static readonly string Epoch = NewEpoch();

    private static string ValidItem => Item(1).ToJsonString();

    /// <summary>Each case: the request, the documented status, and a piece of the documented reason.</summary>
    private static readonly Dictionary<string, (Func<Request> Build, HttpStatusCode Status, string Reason)> Cases = new()
    {
        ["empty body"] = (() => new(""), HttpStatusCode.BadRequest, "The body is empty"),
        ["whitespace only"] = (() => new("   \n"), HttpStatusCode.BadRequest, "The body is not a valid batch"),
        ["truncated JSON"] = (() => new(Batch(NewDevice(), Epoch, [1L])[..40]), HttpStatusCode.BadRequest, "The body is not a valid batch"),
        ["not JSON"] = (() => new("hello"), HttpStatusCode.BadRequest, "The body is not a valid batch"),
        ["JSON array"] = (() => new("[1,2,3]"), HttpStatusCode.BadRequest, "The body is not a valid batch"),
        ["JSON null"] = (() => new("null"), HttpStatusCode.BadRequest, "JSON null"),
        ["trailing garbage"] = (() => new(Batch(NewDevice(), Epoch, [1L]) + " x"), HttpStatusCode.BadRequest, "The body is not a valid batch"),
        ["trailing comma"] = (() => new($$"""{"device":"d1","epoch":"{{Epoch}}","messages":[],}"""), HttpStatusCode.BadRequest, "The body is not a valid batch"),
        ["comment"] = (() => new($$"""{"device":"d1",/*x*/"epoch":"{{Epoch}}","messages":[]}"""), HttpStatusCode.BadRequest, "The body is not a valid batch"),
        ["device missing"] = (() => new($$"""{"epoch":"{{Epoch}}","messages":[]}"""), HttpStatusCode.BadRequest, "'device'"),
        ["device a number"] = (() => new($$"""{"device":42,"epoch":"{{Epoch}}","messages":[]}"""), HttpStatusCode.BadRequest, "$.device"),
        ["device with a space"] = (() => new(Batch("bad id", Epoch, [1L])), HttpStatusCode.BadRequest, "device 'bad id' must be 1-64 characters"),
        ["device too long"] = (() => new(Batch(new string('d', 65), Epoch, [1L])), HttpStatusCode.BadRequest, "must be 1-64 characters"),
        ["device empty"] = (() => new(Batch("", Epoch, [1L])), HttpStatusCode.BadRequest, "device '' must be"),
        ["epoch lower case"] = (() => new(Batch(NewDevice(), Epoch.ToLowerInvariant(), [1L])), HttpStatusCode.BadRequest, "is not an epoch id"),
        ["epoch too short"] = (() => new(Batch(NewDevice(), "01JD3", [1L])), HttpStatusCode.BadRequest, "is not an epoch id"),
        ["messages missing"] = (() => new($$$"""{"device":"d1","epoch":"{{{Epoch}}}"}"""), HttpStatusCode.BadRequest, "'messages'"),
        ["messages an object"] = (() => new($$$"""{"device":"d1","epoch":"{{{Epoch}}}","messages":{}}"""), HttpStatusCode.BadRequest, "$.messages"),
        ["seq a string"] = (() => new(Replace(ValidItem, "\"seq\":1", "\"seq\":\"1\"")), HttpStatusCode.BadRequest, "$.messages[0].seq"),
        ["seq huge"] = (() => new(Replace(ValidItem, "\"seq\":1", "\"seq\":123456789012345678901234567890")), HttpStatusCode.BadRequest, "$.messages[0].seq"),
        ["seq fractional"] = (() => new(Replace(ValidItem, "\"seq\":1", "\"seq\":1.5")), HttpStatusCode.BadRequest, "$.messages[0].seq"),
        ["type a number"] = (() => new(Replace(ValidItem, "\"type\":\"telemetry.temperature\"", "\"type\":7")), HttpStatusCode.BadRequest, "$.messages[0].type"),
        ["ts not a date"] = (() => new(Replace(ValidItem, "\"ts\":\"", "\"ts\":\"yesterday")), HttpStatusCode.BadRequest, "$.messages[0].ts"),
        ["payload missing"] = (() => new(Batch(NewDevice(), Epoch, [JsonNode.Parse("""{"seq":1,"type":"t","ts":"2026-11-22T10:00:00Z","source":"s"}""")])), HttpStatusCode.BadRequest, "'payload'"),
        ["deep nesting"] = (() => new(Replace(ValidItem, "\"payload\":{", "\"payload\":" + new string('[', 200) + new string(']', 200) + ",\"x\":{")), HttpStatusCode.BadRequest, "depth"),
        ["invalid UTF-8"] = (() => new(InvalidUtf8()), HttpStatusCode.BadRequest, "not valid UTF-8"),
        ["UTF-16"] = (() => new(Encoding.Unicode.GetBytes(Batch(NewDevice(), Epoch, [1L]))), HttpStatusCode.BadRequest, "The body is not a valid batch"),
        ["gzip bomb"] = (() => new(Gzip(Encoding.UTF8.GetBytes("{\"device\":\"" + new string(' ', 20 * 1024 * 1024))), Encoding: "gzip"), HttpStatusCode.RequestEntityTooLarge, "expands to more than 16777216 bytes"),
        ["gzip header, plain body"] = (() => new(Encoding.UTF8.GetBytes(Batch(NewDevice(), Epoch, [1L])), Encoding: "gzip"), HttpStatusCode.BadRequest, "not valid gzip"),
        ["brotli encoding"] = (() => new(Encoding.UTF8.GetBytes(Batch(NewDevice(), Epoch, [1L])), Encoding: "br"), HttpStatusCode.UnsupportedMediaType, "Content-Encoding 'br'"),
        ["deflate encoding"] = (() => new(Encoding.UTF8.GetBytes(Batch(NewDevice(), Epoch, [1L])), Encoding: "deflate"), HttpStatusCode.UnsupportedMediaType, "Content-Encoding 'deflate'"),
        ["text/plain"] = (() => new(Encoding.UTF8.GetBytes(Batch(NewDevice(), Epoch, [1L])), ContentType: "text/plain"), HttpStatusCode.UnsupportedMediaType, "Content-Type 'text/plain'"),
        ["body over 4 MiB"] = (() => new(Batch(NewDevice(), Epoch, [Item(1, payload: JsonValue.Create(new string('x', 5 * 1024 * 1024)))])), HttpStatusCode.RequestEntityTooLarge, "at most 4194304 bytes"),
        ["10k items"] = (() => new(Batch(NewDevice(), Epoch, Enumerable.Range(1, 10_000).Select(i => (long)i))), HttpStatusCode.RequestEntityTooLarge, "The batch has 10000 items; at most 1000"),
        ["1001 items gzip"] = (() => new(Gzip(Encoding.UTF8.GetBytes(Batch(NewDevice(), Epoch, Enumerable.Range(1, 1001).Select(i => (long)i)))), Encoding: "gzip"), HttpStatusCode.RequestEntityTooLarge, "The batch has 1001 items"),
        ["no key"] = (() => new(Encoding.UTF8.GetBytes(Batch(NewDevice(), Epoch, [1L])), Key: null), HttpStatusCode.Unauthorized, "Missing or wrong function key"),
        ["wrong key"] = (() => new(Encoding.UTF8.GetBytes(Batch(NewDevice(), Epoch, [1L])), Key: "guess"), HttpStatusCode.Unauthorized, "Missing or wrong function key"),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Ingest_MalformedBody_AnswersTheDocumentedStatusAndReasonAndEnqueuesNothing(string name)
    {
        var (build, status, reason) = Cases[name];
        var request = build();
        using var http = Client(fixture.AppA.BaseAddress);
        var before = await QueueReader.CountAsync(fixture.Storage, IngestAppFixture.AllQueues);

        using var response = await PostAsync(http, request.Body, key: request.Key, contentEncoding: request.Encoding, contentType: request.ContentType);
        var detail = await DetailAsync(response);
        var after = await QueueReader.CountAsync(fixture.Storage, IngestAppFixture.AllQueues);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(reason, detail, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', detail);
        Assert.Equal(before, after);
    }

    [Fact]
    public void Cases_CoverAtLeastThirtyMalformedBodies() => Assert.True(Cases.Count >= 30, $"{Cases.Count} cases");

    private static string Replace(string item, string from, string to)
    {
        Assert.Contains(from, item, StringComparison.Ordinal);
        return Batch(NewDevice(), Epoch, [JsonNode.Parse("{}")]).Replace("{}", item.Replace(from, to, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    private static byte[] InvalidUtf8()
    {
        var bytes = Encoding.UTF8.GetBytes(Batch(NewDevice(), Epoch, [Item(1, payload: JsonValue.Create("AB"))]));
        var at = Encoding.UTF8.GetString(bytes).IndexOf("\"AB\"", StringComparison.Ordinal) + 1;
        bytes[at] = 0xC3;
        bytes[at + 1] = 0x28;
        return bytes;
    }

    internal sealed record Request(byte[] Body, string? Encoding = null, string? Key = IngestAppFixture.FunctionKey, string ContentType = "application/json")
    {
        public Request(string body)
            : this(System.Text.Encoding.UTF8.GetBytes(body))
        {
        }
    }
}
