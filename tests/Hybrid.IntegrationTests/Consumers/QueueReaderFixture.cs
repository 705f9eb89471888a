using Azure.Storage.Queues;
using Hybrid.IntegrationTests.Ingest;
using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Consumers;

/// <summary>
/// A real Azurite and the real Function app routing each test's types to the test's own queue, so the queue reader
/// reads messages exactly as the Function packs them.
/// </summary>
public sealed class QueueReaderFixture : IAsyncLifetime
{
    public const string CountQueue = "reader-count";
    public const string DedupeQueue = "reader-dedupe";
    public const string TailQueue = "reader-tail";

    private AzuriteServer? _azurite;
    private FunctionAppServer? _app;

    public AzuriteServer Azurite => _azurite ?? throw new InvalidOperationException("The fixture has not started.");

    public FunctionAppServer App => _app ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>A client of <paramref name="queue"/> that sees bodies as stored (base64 text).</summary>
    public QueueClient Queue(string queue) => new(Azurite.ConnectionString, queue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync();
        _app = await FunctionAppServer.StartAsync(new Dictionary<string, string?>
        {
            ["Hybrid__Storage__ConnectionString"] = _azurite.ConnectionString,
            ["Hybrid__Ingest__FunctionKey"] = IngestAppFixture.FunctionKey,
            ["Hybrid__Routing__Routes__0__Pattern"] = "count.*",
            ["Hybrid__Routing__Routes__0__Queue"] = CountQueue,
            ["Hybrid__Routing__Routes__1__Pattern"] = "dedupe.*",
            ["Hybrid__Routing__Routes__1__Queue"] = DedupeQueue,
            ["Hybrid__Routing__Routes__2__Pattern"] = "tail.*",
            ["Hybrid__Routing__Routes__2__Queue"] = TailQueue,
        });
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
