using Azure;
using Azure.Storage.Queues;
using Hybrid.Functions.Storage;
using Hybrid.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.Bench;

/// <summary>
/// The cloud half for benches: a real Azurite, the real ingest Function app (Release build, standalone on Kestrel,
/// workstation GC) on it, and the app's own storage clients (the Azure SDKs', production defaults) on the same Azurite
/// for the raw side and for reading queues.
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
        Storage = new StorageAccountClients(new StorageOptions { ConnectionString = azurite.ConnectionString }, NullLogger.Instance);
        Telemetry = Storage.Queues.GetQueueClient(TelemetryQueue);
    }

    public AzuriteServer Azurite { get; }

    public FunctionAppServer App { get; }

    /// <summary>The app's storage clients on <see cref="Azurite"/>: SDK queue and table clients, base64 messages.</summary>
    public StorageAccountClients Storage { get; }

    /// <summary>The SDK's client of <see cref="TelemetryQueue"/>.</summary>
    public QueueClient Telemetry { get; }

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
            await stack.Telemetry.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
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

    /// <summary>Messages in <paramref name="queue"/> (0 when it does not exist).</summary>
    public async Task<long> CountAsync(string queue, CancellationToken cancellationToken)
    {
        try
        {
            return (await Storage.Queues.GetQueueClient(queue).GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCountLong;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Storage.Dispose();
        await App.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}
