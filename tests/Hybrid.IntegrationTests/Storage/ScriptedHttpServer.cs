using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Storage;

/// <summary>
/// A loopback HTTP server answering with scripted statuses, for the faults Azurite never produces (500/503 ServerBusy).
/// Records each request's method, path and authorization.
/// </summary>
internal sealed class ScriptedHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(HttpStatusCode Status, string? ErrorCode)> _script;
    private readonly (HttpStatusCode Status, string? ErrorCode) _otherwise;
    private readonly Task _loop;

    public ScriptedHttpServer(IEnumerable<(HttpStatusCode Status, string? ErrorCode)> script, (HttpStatusCode Status, string? ErrorCode) otherwise)
    {
        _script = new(script);
        _otherwise = otherwise;
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>How long each answer is held back (to keep requests in flight together).</summary>
    public TimeSpan ResponseDelay { get; init; }

    public ConcurrentQueue<(string Method, string Path, string? Authorization)> Requests { get; } = new();

    /// <summary>Body of every 2xx answer (e.g. the XML receipt the queue SDK parses after a put); none when null.</summary>
    public string? SuccessBody { get; init; }

    /// <summary>A connection string whose queue and table endpoints both point here (path-style, Azurite's key).</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteServer.AccountKey};" +
        $"QueueEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{Port}/devstoreaccount1";

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task ServeAsync()
    {
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

            Requests.Enqueue((context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.Headers["Authorization"]));
            var (status, code) = _script.TryDequeue(out var next) ? next : _otherwise;
            _ = AnswerAsync(context, status, code);
        }
    }

    private async Task AnswerAsync(HttpListenerContext context, HttpStatusCode status, string? code)
    {
        if (ResponseDelay > TimeSpan.Zero)
        {
            await Task.Delay(ResponseDelay);
        }

        context.Response.StatusCode = (int)status;
        if (code is not null)
        {
            context.Response.Headers["x-ms-error-code"] = code;
        }

        if (SuccessBody is not null && (int)status is >= 200 and < 300)
        {
            var body = System.Text.Encoding.UTF8.GetBytes(SuccessBody);
            context.Response.ContentType = "application/xml";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
        }
        else
        {
            context.Response.ContentLength64 = 0;
        }

        context.Response.Close();
    }
}
