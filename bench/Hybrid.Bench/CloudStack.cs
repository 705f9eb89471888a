using Hybrid.Bench.Storage;
using Hybrid.Functions.Storage;
using Hybrid.Testing;

namespace Hybrid.Bench;

/// <summary>
/// The cloud half for benches: a real Azurite, the real ingest Function app (Release build, standalone on Kestrel,
/// workstation GC) on it, and our queue client on the same Azurite for the raw side and for reading queues.
/// </summary>
internal sealed class CloudStack : IAsyncDisposable
{
    /// <summary>The function key the app is started with.</summary>
    public const string FunctionKey = "bench-key";

    /// <summary>The queue <c>telemetry.*</c> readings are routed to.</summary>
    public const string TelemetryQueue = "telemetry";

    private CloudStack(AzuriteServer azurite, FunctionAppServer app)
    {
        Azurite = azurite;
        App = app;
        (Transport, Queues) = RawQueuePut.CreateQueueClient(azurite.ConnectionString);
    }

    public AzuriteServer Azurite { get; }

    public FunctionAppServer App { get; }

    /// <summary>Our storage client's queues on <see cref="Azurite"/>.</summary>
    public StorageQueueClient Queues { get; }

    /// <summary>The transport behind <see cref="Queues"/>, for a table client on the same account.</summary>
    public StorageTransport Transport { get; }

    /// <summary>The ingest URL, e.g. <c>http://127.0.0.1:5123/api/ingest</c>.</summary>
    public Uri IngestUrl => new(App.BaseAddress, "api/ingest");

    /// <summary>Starts Azurite, then the app on it, and creates <see cref="TelemetryQueue"/>.</summary>
    public static async Task<CloudStack> StartAsync(CancellationToken cancellationToken)
    {
        var azurite = await AzuriteServer.StartAsync();
        try
        {
            var app = await FunctionAppServer.StartAsync(new Dictionary<string, string?>
            {
                ["Hybrid__Storage__ConnectionString"] = azurite.ConnectionString,
                ["Hybrid__Ingest__FunctionKey"] = FunctionKey,
                ["DOTNET_gcServer"] = "0",
            });
            var stack = new CloudStack(azurite, app);
            await stack.Queues.CreateQueueIfNotExistsAsync(TelemetryQueue, cancellationToken);
            return stack;
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    /// <summary>An HTTP client for <see cref="App"/> (relative <c>api/ingest</c>), up to <paramref name="connections"/> connections.</summary>
    public HttpClient CreateHttpClient(int connections) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = App.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>POSTs one gzip batch body to <c>api/ingest</c> with the function key; throws unless the answer is 200.</summary>
    /// <summary>Posts one batch until it is answered 200; a 409 (another request of the device holds its turn or claim) is retried after its <c>Retry-After</c>.</summary>
    public static async Task PostIngestAsync(HttpClient http, byte[] gzipBody, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var content = new ByteArrayContent(gzipBody);
            content.Headers.ContentType = new("application/json");
            content.Headers.ContentEncoding.Add("gzip");
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/ingest") { Content = content };
            request.Headers.Add("x-functions-key", FunctionKey);
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode == System.Net.HttpStatusCode.OK)
            {
                return;
            }

            if (response.StatusCode != System.Net.HttpStatusCode.Conflict || attempt == 100)
            {
                throw new InvalidOperationException($"ingest answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }

            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Transport.Dispose();
        await App.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}
