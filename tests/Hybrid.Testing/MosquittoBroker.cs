using System.Globalization;

namespace Hybrid.Testing;

/// <summary>
/// A real <c>mosquitto</c> broker on a free loopback port with a generated config in a temp directory.
/// Extra config lines (password file, TLS listener, persistence) can be given; the broker can be killed and
/// restarted on the same port to test reconnects.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private readonly TempDirectory _directory = new("mosquitto");
    private readonly IReadOnlyList<string> _extraConfig;
    private ChildProcess? _process;

    private MosquittoBroker(IReadOnlyList<string> extraConfig, bool persistence)
    {
        _extraConfig = extraConfig;
        Persistence = persistence;
        Port = FreePort.Next();
    }

    /// <summary>Always loopback.</summary>
    public string Host => "127.0.0.1";

    /// <summary>The plain MQTT listener's port.</summary>
    public int Port { get; }

    /// <summary>Whether the broker persists sessions and queued messages across restarts (to its temp directory).</summary>
    public bool Persistence { get; }

    /// <summary>The broker's temp directory, for password files and certificates the test writes.</summary>
    public TempDirectory Directory => _directory;

    /// <summary>Broker log so far.</summary>
    public string Output => _process?.Output ?? "";

    /// <summary>Starts a broker. <paramref name="extraConfig"/> lines are appended to the generated config.</summary>
    public static async Task<MosquittoBroker> StartAsync(IReadOnlyList<string>? extraConfig = null, bool persistence = false, bool allowAnonymous = true)
    {
        var lines = new List<string>(extraConfig ?? []);
        if (allowAnonymous && !lines.Exists(l => l.StartsWith("allow_anonymous", StringComparison.Ordinal)))
        {
            lines.Add("allow_anonymous true");
        }

        var broker = new MosquittoBroker(lines, persistence);
        await broker.StartProcessAsync();
        return broker;
    }

    /// <summary>Kills the broker with SIGKILL (no clean shutdown, no persistence flush).</summary>
    public async Task KillAsync()
    {
        if (_process is not null)
        {
            _process.Signal(9);
            await _process.WaitForExitAsync(TimeSpan.FromSeconds(10));
            await _process.DisposeAsync();
            _process = null;
        }
    }

    /// <summary>Starts the broker again on the same port after <see cref="KillAsync"/>.</summary>
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
        var config = new List<string>
        {
            "per_listener_settings false",
            $"listener {Port.ToString(CultureInfo.InvariantCulture)} 127.0.0.1",
            "log_dest stdout",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "max_queued_messages 0",
            "max_inflight_messages 0",
        };
        if (Environment.UserName == "root")
        {
            // Run as root mosquitto drops to the 'mosquitto' user, which cannot write the persistence file or read the
            // password file and keys in our root-owned temp directory.
            config.Add("user root");
        }

        if (Persistence)
        {
            config.Add("persistence true");
            config.Add($"persistence_location {_directory.Path}/");
            config.Add("autosave_interval 1");
        }
        else
        {
            config.Add("persistence false");
        }

        config.AddRange(_extraConfig);
        var configFile = _directory.File("mosquitto.conf");
        await File.WriteAllLinesAsync(configFile, config);

        _process = ChildProcess.Start(Tools.Mosquitto, ["-c", configFile]);
        await FreePort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(20), () => $"mosquitto output:\n{_process.Output}");
    }
}
