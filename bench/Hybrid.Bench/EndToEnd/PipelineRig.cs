using System.Text.Json.Nodes;
using Hybrid.Testing;
using static Hybrid.Bench.EdgeAgentHarness;

namespace Hybrid.Bench.EndToEnd;

/// <summary>
/// Every service of the pipeline on this machine, fresh for one run (so peak RSS is this run's): mosquitto, Azurite,
/// the ingest Function (<see cref="CloudStack"/>) and the real agent with MQTT capture of <see cref="CaptureTopic"/>,
/// optional simulated sensors, its MQTT sink and its uplink on.
/// </summary>
internal sealed class PipelineRig : IAsyncDisposable
{
    /// <summary>What the agent's MQTT capture subscribes to.</summary>
    public const string CaptureTopic = "bench/in/#";

    private static readonly TimeSpan SensorInterval = TimeSpan.FromMilliseconds(10);

    private PipelineRig(MosquittoBroker broker, CloudStack cloud, TempDirectory dir, ChildProcess agent)
    {
        Broker = broker;
        Cloud = cloud;
        Directory = dir;
        Agent = agent;
    }

    public MosquittoBroker Broker { get; }

    public CloudStack Cloud { get; }

    /// <summary>The agent's directory (config, data).</summary>
    public TempDirectory Directory { get; }

    public ChildProcess Agent { get; }

    /// <summary>The pids whose CPU a run accounts for.</summary>
    public IReadOnlyDictionary<string, int> Processes => new Dictionary<string, int>
    {
        ["agent"] = Agent.Id,
        ["Function"] = Cloud.App.ProcessId ?? throw new InvalidOperationException("the Function app is not running"),
        ["Azurite"] = Cloud.Azurite.ProcessId ?? throw new InvalidOperationException("Azurite is not running"),
        ["mosquitto"] = BrokerProcessId(),
    };

    /// <summary>The sensors writing <paramref name="rate"/> readings/s in total (every 10 ms each).</summary>
    public static int SensorsFor(int rate) => rate <= 0 ? 0 : Math.Max(1, rate * (int)SensorInterval.TotalMilliseconds / 1000);

    /// <summary>Starts every service, then the agent (<paramref name="sensors"/> simulated sensors, 0 for none).</summary>
    public static async Task<PipelineRig> StartAsync(string agentPath, int sensors, CancellationToken cancellationToken)
    {
        // As the README advises for low latency: no Nagle delay on PUBACKs.
        var broker = await MosquittoBroker.StartAsync(["set_tcp_nodelay true"]);
        CloudStack? cloud = null;
        var dir = new TempDirectory("bench-e2e");
        try
        {
            cloud = await CloudStack.StartAsync(cancellationToken);
            var config = WriteConfig(dir, "e2e.json", new JsonObject
            {
                ["Capture"] = SimulatedCapture(sensors, SensorInterval),
                ["Mqtt"] = new JsonObject
                {
                    ["Host"] = broker.Host,
                    ["Port"] = broker.Port,
                    ["Capture"] = new JsonObject { ["Enabled"] = true, ["Topics"] = new JsonArray(CaptureTopic) },
                },
                ["Uplink"] = new JsonObject { ["Enabled"] = true, ["Url"] = cloud.IngestUrl.ToString(), ["FunctionKey"] = CloudStack.FunctionKey },
                ["Status"] = new JsonObject { ["Port"] = FreePort.Next() },
            });
            var agent = ChildProcess.Start(agentPath, ["run", "--config", config]);
            return new PipelineRig(broker, cloud, dir, agent);
        }
        catch
        {
            dir.Dispose();
            if (cloud is not null)
            {
                await cloud.DisposeAsync();
            }

            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>The broker's pid, found by its config file on the command line (the fixture does not expose it).</summary>
    private int BrokerProcessId()
    {
        var config = Broker.Directory.File("mosquitto.conf");
        foreach (var dir in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && TryReadCommandLine(dir) is { } commandLine && commandLine.Contains(config, StringComparison.Ordinal))
            {
                return pid;
            }
        }

        throw new InvalidOperationException($"no mosquitto process runs {config}");
    }

    private static string? TryReadCommandLine(string procDirectory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(procDirectory, "cmdline"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // exited meanwhile, or not ours to read
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!Agent.HasExited)
        {
            await StopAsync(Agent);
        }

        await Agent.DisposeAsync();
        await Cloud.DisposeAsync();
        await Broker.DisposeAsync();
        Directory.Dispose();
    }
}
