using System.Diagnostics;
using System.Text.Json.Nodes;
using Hybrid.Edge.Mqtt;
using Hybrid.Testing;
using static Hybrid.Bench.EdgeAgentHarness;

namespace Hybrid.Bench;

/// <summary>
/// <c>./hybrid bench agent [--runs R] [--seconds S] [--sensors N] [--agent PATH]</c>: the peak RSS of the real edge
/// agent process (<c>hybrid-edge run</c>), once as published with native AOT (how it is deployed) and once as the JIT
/// build, in two phases: (1) ingest: simulated capture of N sensors every 10 ms into the store while the MQTT broker
/// is unreachable, so the backlog grows; (2) drain: the same store read and advanced by the MQTT sink into a local
/// mosquitto until the cursor reaches the head. Peak RSS is the kernel's <c>VmHWM</c> of the agent process.
/// </summary>
internal sealed class AgentBenchmark : IBenchmark
{
    private static readonly TimeSpan CaptureInterval = TimeSpan.FromMilliseconds(10);

    public string Name => "agent";

    public string Description => "peak RSS of the real agent process (native AOT and JIT) while ingesting and while draining a backlog to MQTT";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var runs = Arg(args, "--runs", 3);
        var seconds = Arg(args, "--seconds", 10);
        var sensors = Arg(args, "--sensors", 1000);
        var aotAgent = ArgText(args, "--agent") ?? await EdgeAgentHarness.PublishAotAsync(cancellationToken);
        var jitAgent = RepositoryPaths.EdgeAgent;
        Console.WriteLine($"agent bench: {runs} runs; ingest {sensors} simulated sensors every {CaptureInterval.TotalMilliseconds} ms for {seconds} s, then drain the backlog to MQTT");
        Console.WriteLine($"  aot: {aotAgent}");
        Console.WriteLine($"  jit: {jitAgent}");

        await using var broker = await MosquittoBroker.StartAsync();
        var results = new Dictionary<string, List<double>>();
        void Add(string key, double value) => (results.TryGetValue(key, out var list) ? list : results[key] = []).Add(value);
        for (var run = 1; run <= runs; run++)
        {
            foreach (var (build, agent) in new[] { ("aot", aotAgent), ("jit", jitAgent) })
            {
                using var dir = new TempDirectory("bench-agent");
                var ingest = await IngestAsync(agent, dir, sensors, seconds, cancellationToken);
                var drain = await DrainAsync(agent, dir, broker, cancellationToken);
                Add($"{build} ingest rate", ingest.Rate);
                Add($"{build} ingest peak RSS", ingest.PeakRssMb);
                Add($"{build} drain rate", drain.Rate);
                Add($"{build} drain peak RSS", drain.PeakRssMb);
                Console.WriteLine($"run {run} {build}: ingest {ingest.Rate,8:N0}/s peak RSS {ingest.PeakRssMb,5:0.0} MB   drain {drain.Backlog:N0} at {drain.Rate,7:N0}/s peak RSS {drain.PeakRssMb,5:0.0} MB");
            }
        }

        Console.WriteLine();
        Console.WriteLine($"medians of {runs} runs (target: peak RSS <= 60 MB in both phases):");
        foreach (var (key, values) in results)
        {
            Console.WriteLine(key.EndsWith("RSS", StringComparison.Ordinal) ? $"  {key,-20} {Median(values),8:0.0} MB" : $"  {key,-20} {Median(values),8:N0} readings/s");
        }

        return 0;
    }

    private static async Task<(double Rate, double PeakRssMb)> IngestAsync(string agent, TempDirectory dir, int sensors, int seconds, CancellationToken cancellationToken)
    {
        // Nothing listens on the port: the sink keeps retrying and the whole capture stays in the store.
        var config = WriteConfig(dir, "ingest.json", sensors, mqttPort: FreePort.Next());
        await using var process = ChildProcess.Start(agent, ["run", "--config", config]);
        await WaitForStoreAsync(dir, process, cancellationToken);
        var startHead = Head(dir);
        var watch = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
        var head = Head(dir);
        var elapsed = watch.Elapsed;
        var peak = StatusMb(process.Id, "VmHWM");
        await StopAsync(process);
        return ((head - startHead) / elapsed.TotalSeconds, peak);
    }

    private static async Task<(long Backlog, double Rate, double PeakRssMb)> DrainAsync(string agent, TempDirectory dir, MosquittoBroker broker, CancellationToken cancellationToken)
    {
        var config = WriteConfig(dir, "drain.json", sensors: 0, mqttPort: broker.Port);
        var head = Head(dir);
        var start = Cursor(dir, MqttSinkService.SinkName);
        await using var process = ChildProcess.Start(agent, ["run", "--config", config]);
        var watch = Stopwatch.StartNew();
        await WaitForCursorAsync(dir, MqttSinkService.SinkName, head, process, cancellationToken);

        var elapsed = watch.Elapsed;
        var peak = StatusMb(process.Id, "VmHWM");
        await StopAsync(process);
        return (head - start, (head - start) / elapsed.TotalSeconds, peak);
    }

    private static string WriteConfig(TempDirectory dir, string name, int sensors, int mqttPort) =>
        EdgeAgentHarness.WriteConfig(dir, name, new JsonObject
        {
            ["Capture"] = EdgeAgentHarness.SimulatedCapture(sensors, CaptureInterval),
            ["Mqtt"] = new JsonObject { ["Host"] = "127.0.0.1", ["Port"] = mqttPort },
        });
}
