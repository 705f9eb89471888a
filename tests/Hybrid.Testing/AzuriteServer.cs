using System.Globalization;

namespace Hybrid.Testing;

/// <summary>
/// A real Azurite (npm <c>azurite</c>, pinned in package.json) serving queues and tables on free loopback ports,
/// persisting to a temp directory so that a killed and restarted Azurite keeps its data.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>Azurite's well-known development key (public, documented by Microsoft; not a secret).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly TempDirectory _directory = new("azurite");
    private ChildProcess? _process;

    private AzuriteServer()
    {
        BlobPort = FreePort.Next();
        QueuePort = FreePort.Next();
        TablePort = FreePort.Next();
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    /// <summary>Queue service endpoint, path-style with the account name.</summary>
    public Uri QueueEndpoint => new($"http://127.0.0.1:{QueuePort.ToString(CultureInfo.InvariantCulture)}/{AccountName}");

    /// <summary>Table service endpoint, path-style with the account name.</summary>
    public Uri TableEndpoint => new($"http://127.0.0.1:{TablePort.ToString(CultureInfo.InvariantCulture)}/{AccountName}");

    /// <summary>A connection string with explicit endpoints for this instance.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";

    /// <summary>Azurite's OS process id while it runs (for CPU and RSS readings in benchmarks).</summary>
    public int? ProcessId => _process?.Id;

    /// <summary>Azurite's log so far.</summary>
    public string Output => _process?.Output ?? "";

    /// <summary>Starts Azurite and waits until the queue and table endpoints accept connections.</summary>
    public static async Task<AzuriteServer> StartAsync()
    {
        var server = new AzuriteServer();
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Kills Azurite with SIGKILL.</summary>
    public async Task KillAsync()
    {
        if (_process is not null)
        {
            _process.Kill();
            await _process.WaitForExitAsync(TimeSpan.FromSeconds(10));
            await _process.DisposeAsync();
            _process = null;
        }
    }

    /// <summary>
    /// Stops Azurite with SIGTERM, so it saves its in-memory metadata first. (SIGKILL loses the writes of the last
    /// seconds: Azurite keeps queue and table metadata in LokiJS and saves it periodically, unlike Azure Storage,
    /// which is durable once it answers. Tests that count "nothing lost" across an outage therefore use this.)
    /// </summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            _process.Signal(15);
            await _process.WaitForExitAsync(TimeSpan.FromSeconds(20));

            await _process.DisposeAsync();
            _process = null;
        }
    }

    /// <summary>Starts Azurite again on the same ports and data directory.</summary>
    public Task RestartAsync() => StartProcessAsync();

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        _directory.Dispose();
    }

    private async Task StartProcessAsync()
    {
        var azurite = RepositoryPaths.NodeTool("azurite");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException($"Azurite is not installed at {azurite}. Run './hybrid test', which runs 'npm ci'.");
        }

        _process = ChildProcess.Start(azurite,
        [
            "--silent",
            "--location", _directory.Path,
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(CultureInfo.InvariantCulture),
            "--skipApiVersionCheck",
            "--disableTelemetry",
        ]);
        var timeout = TimeSpan.FromSeconds(60);
        await FreePort.WaitUntilListeningAsync(QueuePort, timeout, () => $"azurite output:\n{_process.Output}");
        await FreePort.WaitUntilListeningAsync(TablePort, timeout, () => $"azurite output:\n{_process.Output}");
    }
}
