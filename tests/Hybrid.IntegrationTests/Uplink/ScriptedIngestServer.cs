using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Hybrid.Contracts;
using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Uplink;

/// <summary>One request as the scripted server saw it: when, and the decoded batch's seqs.</summary>
internal sealed record IngestCall(TimeSpan At, long[] Seqs);

/// <summary>What the scripted server answers: a status, and a Retry-After in seconds when set.</summary>
internal sealed record ScriptedAnswer(HttpStatusCode Status, int? RetryAfterSeconds = null);

/// <summary>
/// A loopback HTTP server speaking the ingest Function's protocol with scripted failures, for what the real
/// Function does not do on demand (503 with a chosen Retry-After, a run of 500s). A 200 accepts every item.
/// Records when each request arrived, on its own clock.
/// </summary>
internal sealed class ScriptedIngestServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Func<int, ScriptedAnswer> _script;
    private readonly Task _loop;

    /// <param name="script">The answer to the n-th request (1-based).</param>
    public ScriptedIngestServer(Func<int, ScriptedAnswer> script)
    {
        _script = script;
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/api/ingest";

    public ConcurrentQueue<IngestCall> Calls { get; } = new();

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task ServeAsync()
    {
        var number = 0;
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var at = _clock.Elapsed;
            IngestBatch? batch;
            await using (var gzip = new GZipStream(context.Request.InputStream, CompressionMode.Decompress))
            {
                batch = await JsonSerializer.DeserializeAsync(gzip, ContractJsonContext.Default.IngestBatch);
            }

            var seqs = batch!.Messages.Select(m => m.Seq).ToArray();
            Calls.Enqueue(new IngestCall(at, seqs));
            var answer = _script(++number);
            var response = context.Response;
            response.StatusCode = (int)answer.Status;
            if (answer.RetryAfterSeconds is { } seconds)
            {
                response.AddHeader("Retry-After", seconds.ToString(CultureInfo.InvariantCulture));
            }

            var body = answer.Status == HttpStatusCode.OK
                ? JsonSerializer.Serialize(new IngestResponse { Accepted = seqs.Length, Duplicates = 0, Rejected = [], Watermark = seqs[^1] }, ContractJsonContext.Default.IngestResponse)
                : $$"""{"status":{{(int)answer.Status}},"detail":"scripted {{(int)answer.Status}}"}""";
            var bytes = Encoding.UTF8.GetBytes(body);
            response.ContentType = answer.Status == HttpStatusCode.OK ? "application/json" : "application/problem+json";
            await response.OutputStream.WriteAsync(bytes);
            response.Close();
        }
    }
}
