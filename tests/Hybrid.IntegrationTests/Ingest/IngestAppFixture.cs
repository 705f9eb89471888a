using Hybrid.IntegrationTests.Storage;
using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Ingest;

/// <summary>
/// One real Azurite and two real Function app instances (two Kestrel processes) on it, with routes, so tests can
/// check that instances agree through the Table entity. Tests of the collection run one after another.
/// </summary>
public sealed class IngestAppFixture : IAsyncLifetime
{
    public const string FunctionKey = "ingest-test-key";
    public const string TelemetryQueue = "telemetry";
    public const string AlertsQueue = "alerts";
    public const string DefaultQueue = "misc";
    public const string RejectedQueue = "ingest-rejected";

    /// <summary>Short claim so outage tests wait seconds, not a minute, for a stranded claim to expire.</summary>
    public static readonly TimeSpan ClaimDuration = TimeSpan.FromSeconds(8);

    private AzuriteServer? _azurite;
    private FunctionAppServer? _appA;
    private FunctionAppServer? _appB;
    private StorageClients? _clients;

    public AzuriteServer Azurite => _azurite ?? throw new InvalidOperationException("The fixture has not started.");

    public FunctionAppServer AppA => _appA ?? throw new InvalidOperationException("The fixture has not started.");

    public FunctionAppServer AppB => _appB ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>Our storage client, used as the independent reader of the queues.</summary>
    internal StorageClients Storage => _clients ?? throw new InvalidOperationException("The fixture has not started.");

    public static IEnumerable<string> AllQueues => [TelemetryQueue, AlertsQueue, DefaultQueue, RejectedQueue];

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync();
        _clients = new StorageClients(_azurite.ConnectionString, maxRetries: 4);
        var settings = new Dictionary<string, string?>
        {
            ["Hybrid__Storage__ConnectionString"] = _azurite.ConnectionString,
            ["Hybrid__Storage__MaxRetries"] = "2",
            ["Hybrid__Storage__RetryDelay"] = "00:00:00.100",
            ["Hybrid__Storage__MaxRetryDelay"] = "00:00:00.500",
            ["Hybrid__Storage__RequestTimeout"] = "00:00:05",
            ["Hybrid__Ingest__FunctionKey"] = FunctionKey,
            ["Hybrid__Ingest__ClaimDuration"] = ClaimDuration.ToString(),
            ["Hybrid__Ingest__UnavailableRetryAfter"] = "00:00:01",
            ["Hybrid__Routing__DefaultQueue"] = DefaultQueue,
            ["Hybrid__Routing__RejectedQueue"] = RejectedQueue,
            ["Hybrid__Routing__Routes__0__Pattern"] = "telemetry.*",
            ["Hybrid__Routing__Routes__0__Queue"] = TelemetryQueue,
            ["Hybrid__Routing__Routes__1__Pattern"] = "alert.*",
            ["Hybrid__Routing__Routes__1__Queue"] = AlertsQueue,
        };
        var a = FunctionAppServer.StartAsync(settings);
        var b = FunctionAppServer.StartAsync(settings);
        _appA = await a;
        _appB = await b;
    }

    public async Task DisposeAsync()
    {
        foreach (var app in new[] { _appA, _appB })
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }

        _clients?.Dispose();
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class IngestServices : ICollectionFixture<IngestAppFixture>
{
    public const string Name = "ingest";
}
