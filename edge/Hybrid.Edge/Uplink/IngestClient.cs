using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Hybrid.Contracts;
using Hybrid.Edge.Store;

namespace Hybrid.Edge.Uplink;

/// <summary>
/// One POST of a gzip body to the ingest Function and the answer classified by the wire contract's response rules
/// (<see cref="UplinkReply"/>). Network failures surface as exceptions for the resilience pipeline.
/// </summary>
internal sealed class IngestClient(HttpClient http, UplinkOptions options, TimeProvider time)
{
    private const int MaxAnswerBytes = 1024 * 1024;
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private readonly Uri _url = new(options.Url);

    /// <summary>Posts <paramref name="body"/> (the gzip batch of <paramref name="batch"/>) and classifies the answer.</summary>
    public async Task<UplinkReply> PostAsync(ReadOnlyMemory<byte> body, ReadOnlyMemory<StoredReading> batch, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = Json;
        request.Content.Headers.ContentEncoding.Add("gzip");
        request.Headers.Add("x-functions-key", options.FunctionKey);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var answer = await ReadAnswerAsync(response.Content, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var retryAfter = RetryAfter(response.Headers.RetryAfter);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => Settle(answer, batch.Span),
            HttpStatusCode.RequestTimeout or HttpStatusCode.Conflict or HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError =>
                new UplinkReply(UplinkReplyKind.Retry, status, $"HTTP {status}{Detail(answer, ": ")}", RetryAfter: retryAfter),
            HttpStatusCode.RequestEntityTooLarge => new UplinkReply(UplinkReplyKind.TooLarge, status, $"HTTP 413{Detail(answer, ": ")}"),
            HttpStatusCode.BadRequest when ProblemDetail(answer) is { } detail => new UplinkReply(UplinkReplyKind.BadRequest, status, detail),
            HttpStatusCode.BadRequest => Hold(status, "a 400 without the Function's problem detail; is Hybrid:Uplink:Url the ingest Function's /api/ingest?"),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => Hold(status, "the Function refused the key; check Hybrid:Uplink:FunctionKey"),
            HttpStatusCode.NotFound => Hold(status, "no ingest Function at this URL; check Hybrid:Uplink:Url (it ends in /api/ingest)"),
            _ => Hold(status, $"an answer the uplink does not expect{Detail(answer, ": ")}; check Hybrid:Uplink:Url"),
        };
    }

    private static UplinkReply Hold(int status, string reason) => new(UplinkReplyKind.Hold, status, $"HTTP {status}: {reason}");

    /// <summary>
    /// A 200 counts only when it accounts for every item of the batch; anything else is treated as a failed attempt,
    /// because advancing on an answer we do not understand could skip readings.
    /// </summary>
    private static UplinkReply Settle(byte[] answer, ReadOnlySpan<StoredReading> batch)
    {
        IngestResponse? response;
        try
        {
            response = JsonSerializer.Deserialize(answer, ContractJsonContext.Default.IngestResponse);
        }
        catch (JsonException ex)
        {
            return new UplinkReply(UplinkReplyKind.Retry, 200, $"HTTP 200 with an unreadable answer: {ex.Message}");
        }

        if (response is null || response.Rejected is null)
        {
            return new UplinkReply(UplinkReplyKind.Retry, 200, "HTTP 200 without an ingest answer");
        }

        var total = (long)response.Accepted + response.Duplicates + response.Rejected.Count;
        if (total != batch.Length || response.Accepted < 0 || response.Duplicates < 0)
        {
            return new UplinkReply(UplinkReplyKind.Retry, 200, string.Create(CultureInfo.InvariantCulture,
                $"HTTP 200 accounting for {total} items (accepted {response.Accepted}, duplicates {response.Duplicates}, rejected {response.Rejected.Count}) of a batch of {batch.Length}"));
        }

        foreach (var rejected in response.Rejected)
        {
            if (BatchSeqs.IndexOf(batch, rejected.Seq) < 0)
            {
                return new UplinkReply(UplinkReplyKind.Retry, 200, string.Create(CultureInfo.InvariantCulture, $"HTTP 200 rejecting seq {rejected.Seq}, which is not in the batch"));
            }
        }

        return new UplinkReply(UplinkReplyKind.Settled, 200, "", response);
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static async Task<byte[]> ReadAnswerAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while (buffer.Length < MaxAnswerBytes && (read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    private static string Detail(byte[] answer, string prefix) => ProblemDetail(answer) is { } detail ? prefix + detail : "";

    /// <summary>The <c>detail</c> of a problem JSON answer (RFC 9457), as the Function sends with every refusal.</summary>
    private static string? ProblemDetail(byte[] answer)
    {
        try
        {
            using var json = JsonDocument.Parse(answer);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("detail", out var detail)
                && detail.ValueKind == JsonValueKind.String
                && detail.GetString() is { Length: > 0 } text
                ? text
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
