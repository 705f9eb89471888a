using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hybrid.Contracts;

namespace Hybrid.IntegrationTests.Ingest;

/// <summary>Builds batches and posts them like the edge uplink does.</summary>
internal static class IngestHttp
{
    public static string NewDevice() => "it-" + Guid.NewGuid().ToString("N")[..16];

    public static string NewEpoch() => EpochId.New(TimeProvider.System);

    public static JsonObject Item(long seq, string type = "telemetry.temperature", DateTimeOffset? ts = null, JsonNode? payload = null) => new()
    {
        ["seq"] = seq,
        ["type"] = type,
        ["ts"] = (ts ?? TimeProvider.System.GetUtcNow()).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        ["source"] = "simulated",
        ["key"] = "sensor-1",
        ["payload"] = payload ?? new JsonObject { ["value"] = seq * 0.5, ["unit"] = "C", ["note"] = "é\"<&>" },
    };

    public static string Batch(string device, string epoch, IEnumerable<JsonNode?> items) =>
        new JsonObject { ["device"] = device, ["epoch"] = epoch, ["messages"] = new JsonArray([.. items.Select(i => i?.DeepClone())]) }.ToJsonString();

    public static string Batch(string device, string epoch, IEnumerable<long> seqs, string type = "telemetry.temperature") =>
        Batch(device, epoch, seqs.Select(s => (JsonNode?)Item(s, type)));

    public static HttpClient Client(Uri baseAddress) => new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };

    public static async Task<HttpResponseMessage> PostAsync(HttpClient http, byte[] body, bool gzip = false, string? key = IngestAppFixture.FunctionKey,
        string? contentEncoding = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/ingest");
        request.Content = new ByteArrayContent(gzip ? Gzip(body) : body);
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (gzip || contentEncoding is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Encoding", contentEncoding ?? "gzip");
        }

        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        return await http.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient http, string body, bool gzip = false) => PostAsync(http, Encoding.UTF8.GetBytes(body), gzip);

    /// <summary>Posts until 200 like the edge: 409 and 503 are retried after <c>Retry-After</c>; anything else fails the test.</summary>
    public static async Task<IngestResponse> PostUntilOkAsync(HttpClient http, string body, TimeSpan? giveUpAfter = null)
    {
        var deadline = TimeProvider.System.GetUtcNow() + (giveUpAfter ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            using var response = await PostAsync(http, body, gzip: true);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return await ReadAsync(response);
            }

            Assert.True(response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.ServiceUnavailable,
                $"unexpected {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, $"still {(int)response.StatusCode} after retrying");
            var delay = response.Headers.RetryAfter?.Delta;
            Assert.NotNull(delay);
            await Task.Delay(delay.Value);
        }
    }

    public static async Task<IngestResponse> ReadAsync(HttpResponseMessage response) =>
        JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), ContractJsonContext.Default.IngestResponse)!;

    public static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("detail").GetString()!;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
