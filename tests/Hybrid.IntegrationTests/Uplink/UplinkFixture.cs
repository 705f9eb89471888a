using Hybrid.IntegrationTests.Ingest;
using Hybrid.IntegrationTests.Storage;
using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Uplink;

/// <summary>
/// One real Azurite and one real ingest Function app on it, routing <c>telemetry.*</c> and <c>alert.*</c> to their
/// own queues, for the uplink tests: each test runs real agent processes against them with its own device id.
/// </summary>
public sealed class UplinkFixture : IAsyncLifetime
{
    public const string FunctionKey = "uplink-test-key";
    public const string TelemetryQueue = "telemetry";
    public const string AlertsQueue = "alerts";
    public const string DefaultQueue = "misc";
    public const string RejectedQueue = "ingest-rejected";

    private AzuriteServer? _azurite;
    private FunctionAppServer? _app;
    private StorageClients? _clients;

    public AzuriteServer Azurite => _azurite ?? throw new InvalidOperationException("The fixture has not started.");

    public FunctionAppServer App => _app ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>The ingest URL of <see cref="App"/>.</summary>
    public Uri IngestUrl => IngestUrlOf(App);

    /// <summary>Our storage client, the independent reader of the queues.</summary>
    internal StorageClients Storage => _clients ?? throw new InvalidOperationException("The fixture has not started.");

    public static IReadOnlyList<string> AllQueues => [TelemetryQueue, AlertsQueue, DefaultQueue, RejectedQueue];

    public static Uri IngestUrlOf(FunctionAppServer app) => new(app.BaseAddress, "api/ingest");

    /// <summary>
    /// The Function's settings: a short claim, so a request cut off by a kill blocks its device for seconds rather
    /// than a minute, and short storage retries, so an Azurite outage turns into 503s quickly.
    /// </summary>
    public Dictionary<string, string?> FunctionSettings() => new()
    {
        ["Hybrid__Storage__ConnectionString"] = Azurite.ConnectionString,
        ["Hybrid__Storage__MaxRetries"] = "2",
        ["Hybrid__Storage__RetryDelay"] = "00:00:00.100",
        ["Hybrid__Storage__MaxRetryDelay"] = "00:00:00.500",
        ["Hybrid__Storage__RequestTimeout"] = "00:00:05",
        ["Hybrid__Ingest__FunctionKey"] = FunctionKey,
        ["Hybrid__Ingest__ClaimDuration"] = "00:00:03",
        ["Hybrid__Ingest__UnavailableRetryAfter"] = "00:00:01",
        ["Hybrid__Ingest__ConflictRetryAfter"] = "00:00:01",
        ["Hybrid__Routing__DefaultQueue"] = DefaultQueue,
        ["Hybrid__Routing__RejectedQueue"] = RejectedQueue,
        ["Hybrid__Routing__Routes__0__Pattern"] = "telemetry.*",
        ["Hybrid__Routing__Routes__0__Queue"] = TelemetryQueue,
        ["Hybrid__Routing__Routes__1__Pattern"] = "alert.*",
        ["Hybrid__Routing__Routes__1__Queue"] = AlertsQueue,
    };

    /// <summary>Drains every queue and returns the items of <paramref name="device"/>.</summary>
    internal async Task<List<QueuedItem>> DrainAsync(string device) =>
        [.. (await QueueReader.DrainAsync(Storage, AllQueues)).Where(i => i.Device == device)];

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync();
        _clients = new StorageClients(_azurite.ConnectionString, maxRetries: 4);
        _app = await FunctionAppServer.StartAsync(FunctionSettings());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _clients?.Dispose();
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class UplinkServices : ICollectionFixture<UplinkFixture>
{
    public const string Name = "uplink";
}
