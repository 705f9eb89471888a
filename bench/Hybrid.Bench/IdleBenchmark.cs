using System.Globalization;
using System.Text.Json.Nodes;
using Hybrid.Testing;
using static Hybrid.Bench.EdgeAgentHarness;

namespace Hybrid.Bench;

/// <summary>
/// <c>./hybrid bench idle [--seconds S] [--runs R] [--agent PATH]</c>: what the agent costs at rest, as on a Pi that
/// forwards a few sensors: simulated capture at 10 readings/s, the MQTT sink on a local mosquitto, the uplink on the
/// real Function and Azurite, the status endpoint on; after a 10 s warm-up, CPU (share of one core, from
/// <c>/proc/PID/stat</c>) and RSS (<c>VmRSS</c> at the end, <c>VmHWM</c>) over S seconds, for the native-AOT and
/// the JIT build.
/// </summary>
internal sealed class IdleBenchmark : IBenchmark
{
    public string Name => "idle";

    public string Description => "agent at rest (10 readings/s, MQTT, uplink and status endpoint on): CPU share and RSS, native AOT and JIT";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var seconds = Arg(args, "--seconds", 60);
        var runs = Arg(args, "--runs", 1);
        var aot = ArgText(args, "--agent") ?? await PublishAotAsync(cancellationToken);
        Console.WriteLine($"idle bench: {runs} run(s) of {seconds} s after a 10 s warm-up; load average {LoadAverage()}");
        await using var broker = await MosquittoBroker.StartAsync();
        await using var cloud = await CloudStack.StartAsync(cancellationToken);
        for (var run = 1; run <= runs; run++)
        {
            foreach (var (build, agent) in new[] { ("aot", aot), ("jit", RepositoryPaths.EdgeAgent) })
            {
                using var dir = new TempDirectory("bench-idle");
                var capture = SimulatedCapture(1, TimeSpan.FromMilliseconds(100));
                var config = WriteConfig(dir, "idle.json", new JsonObject
                {
                    ["Capture"] = capture,
                    ["Mqtt"] = new JsonObject { ["Host"] = broker.Host, ["Port"] = broker.Port },
                    ["Uplink"] = new JsonObject { ["Enabled"] = true, ["Url"] = cloud.IngestUrl.ToString(), ["FunctionKey"] = CloudStack.FunctionKey },
                    ["Status"] = new JsonObject { ["Port"] = FreePort.Next() },
                });
                await using var process = ChildProcess.Start(agent, ["run", "--config", config]);
                await WaitForStoreAsync(dir, process, cancellationToken);
                await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
                var cpuBefore = CpuSeconds(process.Id);
                await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
                var cpuShare = (CpuSeconds(process.Id) - cpuBefore) / seconds * 100;
                var rss = StatusMb(process.Id, "VmRSS");
                var peak = StatusMb(process.Id, "VmHWM");
                var forwarded = Cursor(dir, "uplink");
                await StopAsync(process);
                var line = string.Create(CultureInfo.InvariantCulture, $"run {run} {build}: CPU {cpuShare:0.00} % of a core, RSS {rss:0.0} MB (peak {peak:0.0} MB), uplink cursor {forwarded:N0}; load average {LoadAverage()}");
                Console.WriteLine(line);
            }
        }

        Console.WriteLine("targets (native AOT): RSS <= 20 MB, CPU <= 1 % of a core");
        return 0;
    }
}
