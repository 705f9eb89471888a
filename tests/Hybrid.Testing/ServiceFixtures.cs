using Xunit;

namespace Hybrid.Testing;

/// <summary>One real mosquitto broker shared by the tests of a collection.</summary>
public sealed class MosquittoFixture : IAsyncLifetime
{
    private MosquittoBroker? _broker;

    public MosquittoBroker Broker => _broker ?? throw new InvalidOperationException("The broker fixture has not started.");

    public async Task InitializeAsync() => _broker = await MosquittoBroker.StartAsync();

    public async Task DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }
}

/// <summary>One real Azurite shared by the tests of a collection.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteServer? _server;

    public AzuriteServer Server => _server ?? throw new InvalidOperationException("The Azurite fixture has not started.");

    public async Task InitializeAsync() => _server = await AzuriteServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>The real Function app on Kestrel, wired to a real Azurite, shared by the tests of a collection.</summary>
public sealed class FunctionAppFixture : IAsyncLifetime
{
    /// <summary>The function key the app checks in standalone mode during tests.</summary>
    public const string FunctionKey = "test-function-key";

    private AzuriteServer? _azurite;
    private FunctionAppServer? _app;

    public AzuriteServer Azurite => _azurite ?? throw new InvalidOperationException("The fixture has not started.");

    public FunctionAppServer App => _app ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync();
        _app = await FunctionAppServer.StartAsync(new Dictionary<string, string?>
        {
            ["Hybrid__Storage__ConnectionString"] = _azurite.ConnectionString,
            ["Hybrid__Ingest__FunctionKey"] = FunctionKey,
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

/// <summary>Collection names; tests in one collection share its fixtures and run one after another.</summary>
public static class Collections
{
    public const string Mosquitto = "mosquitto";
    public const string Azurite = "azurite";
    public const string FunctionApp = "function-app";
}
