using System.Diagnostics;
using System.Globalization;
using Hybrid.Demo.Processes;

namespace Hybrid.Demo.Services;

/// <summary>Starts each service of the demo on loopback and waits until it listens. The caller owns what it returns.</summary>
internal sealed class ServiceLauncher(DemoOptions options, TimeProvider time)
{
    public const string AgentName = "the edge agent";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public async Task<DemoProcess> StartMosquittoAsync(CancellationToken cancellationToken)
    {
        var config = Path.Combine(options.DataDirectory, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"listener {options.Ports.Mqtt} 127.0.0.1\nallow_anonymous true\npersistence false\nset_tcp_nodelay true\nlog_dest stdout\n", cancellationToken).ConfigureAwait(false);
        var binary = File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";
        return await StartAsync("mosquitto", new ProcessStartInfo(binary, ["-c", config]), options.Ports.Mqtt, cancellationToken).ConfigureAwait(false);
    }

    public async Task<DemoProcess> StartAzuriteAsync(CancellationToken cancellationToken)
    {
        var location = Path.Combine(options.DataDirectory, "azurite");
        Directory.CreateDirectory(location);
        var info = new ProcessStartInfo(options.Azurite,
        [
            "--silent", "--location", location,
            "--blobHost", "127.0.0.1", "--blobPort", Text(options.Ports.AzuriteBlob),
            "--queueHost", "127.0.0.1", "--queuePort", Text(options.Ports.AzuriteQueue),
            "--tableHost", "127.0.0.1", "--tablePort", Text(options.Ports.AzuriteTable),
            "--skipApiVersionCheck", "--disableTelemetry",
        ]);
        var azurite = await StartAsync("Azurite", info, options.Ports.AzuriteQueue, cancellationToken).ConfigureAwait(false);
        await PortProbe.WaitUntilListeningAsync(azurite, options.Ports.AzuriteTable, StartTimeout, time, cancellationToken).ConfigureAwait(false);
        return azurite;
    }

    public Task<DemoProcess> StartFunctionAsync(CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(Path.Combine(options.FunctionDirectory, "Hybrid.Functions"))
        {
            WorkingDirectory = options.FunctionDirectory,
        };
        // Standalone on Kestrel (no Functions host): the port comes from ASPNETCORE_URLS, loopback only.
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Text(options.Ports.Function)}";
        info.Environment["Hybrid__Storage__ConnectionString"] = options.StorageConnectionString;
        info.Environment["Hybrid__Ingest__FunctionKey"] = options.FunctionKey;
        info.Environment["Hybrid__Routing__Routes__0__Pattern"] = "telemetry.*";
        info.Environment["Hybrid__Routing__Routes__0__Queue"] = "telemetry";
        info.Environment["Hybrid__Routing__Routes__1__Pattern"] = "alert.*";
        info.Environment["Hybrid__Routing__Routes__1__Queue"] = "alerts";
        return StartAsync("the Function", info, options.Ports.Function, cancellationToken);
    }

    public Task<DemoProcess> StartAgentAsync(CancellationToken cancellationToken)
    {
        var data = Path.Combine(options.DataDirectory, "edge");
        Directory.CreateDirectory(data);
        var info = new ProcessStartInfo(options.EdgeAgent, ["run"]) { WorkingDirectory = data };
        var settings = new Dictionary<string, string>
        {
            ["Agent__DeviceId"] = DemoOptions.DeviceId,
            ["Agent__DataDirectory"] = data,
            ["Mqtt__Host"] = "127.0.0.1",
            ["Mqtt__Port"] = Text(options.Ports.Mqtt),
            ["Mqtt__Capture__Enabled"] = "true",
            ["Mqtt__Capture__Topics__0"] = "demo/door/#",
            ["Mqtt__Capture__TypeMap__0__Filter"] = "demo/door/#",
            ["Mqtt__Capture__TypeMap__0__Type"] = "alert.door",
            ["Capture__Simulated__Enabled"] = "true",
            ["Capture__Simulated__Interval"] = "00:00:00.100",
            ["Store__StatsInterval"] = "00:00:10",
            ["Uplink__Enabled"] = "true",
            ["Uplink__Url"] = $"http://127.0.0.1:{Text(options.Ports.Function)}/api/ingest",
            ["Uplink__FunctionKey"] = options.FunctionKey,
            // Faster than the defaults (made for a Pi on a flaky network), so that a Function or broker killed and
            // started again shows within seconds: the breaker opens, the backlog drains, the sink reconnects.
            ["Uplink__RetryMax"] = "00:00:03",
            ["Uplink__AttemptTimeout"] = "00:00:10",
            ["Uplink__BreakerMinimumThroughput"] = "3",
            ["Uplink__BreakerSamplingDuration"] = "00:00:10",
            ["Uplink__BreakerBreakDuration"] = "00:00:05",
            ["Mqtt__ReconnectMax"] = "00:00:03",
            ["Status__Port"] = Text(options.Ports.Status),
        };
        foreach (var (key, value) in settings)
        {
            info.Environment["Hybrid__" + key] = value;
        }

        return StartAsync(AgentName, info, options.Ports.Status, cancellationToken);
    }

    /// <summary><c>mosquitto_pub -l</c>: publishes each line written to its standard input, QoS 1.</summary>
    public DemoProcess StartLocalPublisher()
    {
        var info = new ProcessStartInfo("mosquitto_pub", ["-h", "127.0.0.1", "-p", Text(options.Ports.Mqtt), "-q", "1", "-i", "demo-door-sensor", "-t", DemoOptions.CapturedTopic, "-l"])
        {
            RedirectStandardInput = true,
        };
        return DemoProcess.Start("mosquitto_pub", info, LogPath("mosquitto_pub"));
    }

    private async Task<DemoProcess> StartAsync(string name, ProcessStartInfo info, int port, CancellationToken cancellationToken)
    {
        var process = DemoProcess.Start(name, info, LogPath(info.FileName));
        try
        {
            await PortProbe.WaitUntilListeningAsync(process, port, StartTimeout, time, cancellationToken).ConfigureAwait(false);
            return process;
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private string LogPath(string executable) => Path.Combine(options.DataDirectory, Path.GetFileName(executable) switch
    {
        "Hybrid.Functions" => "function",
        "hybrid-edge" => "edge",
        var other => other,
    } + ".log");

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
