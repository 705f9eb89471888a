using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Hybrid.Contracts;

namespace Hybrid.UnitTests.Uplink;

/// <summary>One POST as the fake Function saw it: the decoded batch and the key header.</summary>
internal sealed record PostedBatch(IngestBatch Batch, string? Key)
{
    public long[] Seqs => [.. Batch.Messages.Select(m => m.Seq)];
}

/// <summary>
/// A fake ingest Function for the uplink's pure logic: it decodes every gzip body with the contract's own
/// serializer (so a wire mistake fails the test) and answers with whatever the test's script returns.
/// </summary>
internal sealed class ScriptedIngestHandler(Func<PostedBatch, HttpResponseMessage> answer) : HttpMessageHandler
{
    public ConcurrentQueue<PostedBatch> Posts { get; } = new();

    /// <summary>How long each answer takes (ignoring cancellation, like a server that answers anyway).</summary>
    public TimeSpan AnswerDelay { get; set; }

    /// <summary>Every answer waits for this first: a test holds a batch on the wire until it has done what it does meanwhile.</summary>
    public Task AnswerGate { get; set; } = Task.CompletedTask;

    /// <summary>The accepting Function: every item accepted.</summary>
    public static HttpResponseMessage Accept(PostedBatch post) => Ok(post.Batch.Messages.Count, 0, []);

    public static HttpResponseMessage Ok(int accepted, int duplicates, IReadOnlyList<RejectedItem> rejected) =>
        Json(HttpStatusCode.OK, JsonSerializer.Serialize(
            new IngestResponse { Accepted = accepted, Duplicates = duplicates, Rejected = rejected, Watermark = 0 },
            ContractJsonContext.Default.IngestResponse));

    public static HttpResponseMessage Problem(HttpStatusCode status, string detail, TimeSpan? retryAfter = null)
    {
        var response = Json(status, JsonSerializer.Serialize(new Dictionary<string, object> { ["status"] = (int)status, ["detail"] = detail }, ProblemJson.Default.DictionaryStringObject));
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(delay);
        }

        return response;
    }

    public static HttpResponseMessage Status(HttpStatusCode status) => new(status) { Content = new StringContent("") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("gzip", Assert.Single(request.Content!.Headers.ContentEncoding));
        var compressed = await request.Content.ReadAsStreamAsync(cancellationToken);
        await using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
        var batch = await JsonSerializer.DeserializeAsync(gzip, ContractJsonContext.Default.IngestBatch, cancellationToken);
        var post = new PostedBatch(batch!, request.Headers.TryGetValues("x-functions-key", out var keys) ? keys.Single() : null);
        Posts.Enqueue(post);
        await AnswerGate.WaitAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
        if (AnswerDelay > TimeSpan.Zero)
        {
            await Task.Delay(AnswerDelay, CancellationToken.None);
        }

        return answer(post);
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, object>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(int))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class ProblemJson : System.Text.Json.Serialization.JsonSerializerContext;
