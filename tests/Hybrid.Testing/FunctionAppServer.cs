using System.Globalization;

namespace Hybrid.Testing;

/// <summary>
/// The real ingest Function app, started standalone on Kestrel (no Functions host: no worker arguments, the port from
/// <c>ASPNETCORE_URLS</c>) on a free loopback port, as a child process so tests can kill it for real.
/// </summary>
public sealed class FunctionAppServer : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private ChildProcess? _process;

    private FunctionAppServer(IReadOnlyDictionary<string, string?> environment)
    {
        _environment = environment;
        Port = FreePort.Next();
    }

    /// <summary>The app's HTTP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Base address, e.g. <c>http://127.0.0.1:5123/</c>.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>The app's OS process id while it runs (for RSS readings in benchmarks).</summary>
    public int? ProcessId => _process?.Id;

    /// <summary>The app's log so far.</summary>
    public string Output => _process?.Output ?? "";

    /// <summary>Starts the app with <paramref name="settings"/> as environment variables and waits for <c>/api/health</c>.</summary>
    public static async Task<FunctionAppServer> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var server = new FunctionAppServer(settings ?? new Dictionary<string, string?>());
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Kills the app with SIGKILL.</summary>
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

    /// <summary>Starts the app again on the same port.</summary>
    public Task RestartAsync() => StartProcessAsync();

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    private async Task StartProcessAsync()
    {
        var directory = RepositoryPaths.FunctionAppDirectory;
        var executable = Path.Combine(directory, "Hybrid.Functions");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"The Function app is not built at {executable}. Build Hybrid.sln first.");
        }

        var environment = new Dictionary<string, string?>(_environment)
        {
            ["ASPNETCORE_URLS"] = BaseAddress.AbsoluteUri.TrimEnd('/'),
            ["DOTNET_ENVIRONMENT"] = "Development",
        };
        _process = ChildProcess.Start(executable, [], environment, workingDirectory: directory);
        await FreePort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(30), () => $"function app output:\n{_process.Output}");
    }
}
