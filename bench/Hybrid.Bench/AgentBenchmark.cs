using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Hybrid.Edge.Mqtt;
using Hybrid.Edge.Store;
using Hybrid.Testing;
using Microsoft.Data.Sqlite;

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
        var aotAgent = ArgText(args, "--agent") ?? await PublishAotAsync(cancellationToken);
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

    private static async Task<string> PublishAotAsync(CancellationToken cancellationToken)
    {
        var output = Path.Combine(RepositoryPaths.Root, "bench", "Hybrid.Bench", "bin", "agent-aot");
        var project = Path.Combine(RepositoryPaths.Root, "edge", "Hybrid.Edge");
        Console.WriteLine($"publishing the agent with native AOT to {output} ...");
        await using var publish = ChildProcess.Start("dotnet", ["publish", project, "-c", "Release", "--use-current-runtime", "-p:PublishAot=true", "-o", output]);
        if (await publish.WaitForExitAsync(TimeSpan.FromMinutes(10)) != 0)
        {
            throw new InvalidOperationException($"native AOT publish failed:\n{publish.Output}");
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Path.Combine(output, "hybrid-edge");
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
        var start = Cursor(dir);
        await using var process = ChildProcess.Start(agent, ["run", "--config", config]);
        var watch = Stopwatch.StartNew();
        var cursor = start;
        while (cursor < head)
        {
            if (process.HasExited || watch.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new InvalidOperationException($"drain stopped at cursor {cursor:N0} of {head:N0}:\n{process.Output}");
            }

            await Task.Delay(100, cancellationToken);
            cursor = Cursor(dir);
        }

        var elapsed = watch.Elapsed;
        var peak = StatusMb(process.Id, "VmHWM");
        await StopAsync(process);
        return (head - start, (head - start) / elapsed.TotalSeconds, peak);
    }

    private static string WriteConfig(TempDirectory dir, string name, int sensors, int mqttPort)
    {
        var sensorList = new JsonArray();
        for (var i = 0; i < sensors; i++)
        {
            sensorList.Add(new JsonObject { ["Key"] = $"s{i:D4}", ["Type"] = "telemetry.temperature", ["Unit"] = "C", ["Min"] = 10, ["Max"] = 30 });
        }

        var config = new JsonObject
        {
            ["Hybrid"] = new JsonObject
            {
                ["Agent"] = new JsonObject { ["DeviceId"] = "bench", ["DataDirectory"] = dir.File("data") },
                ["Capture"] = new JsonObject
                {
                    ["Simulated"] = new JsonObject { ["Enabled"] = sensors > 0, ["Interval"] = CaptureInterval.ToString("c", CultureInfo.InvariantCulture), ["Sensors"] = sensorList },
                },
                ["Mqtt"] = new JsonObject { ["Host"] = "127.0.0.1", ["Port"] = mqttPort },
            },
        };
        var path = dir.File(name);
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    private static async Task WaitForStoreAsync(TempDirectory dir, ChildProcess process, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (!HasReadings(dir))
        {
            if (process.HasExited || watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException($"the agent did not start capturing:\n{process.Output}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private static bool HasReadings(TempDirectory dir)
    {
        try
        {
            return File.Exists(StorePath(dir)) && Head(dir) > 0;
        }
        catch (SqliteException)
        {
            return false; // created but its schema not yet committed
        }
    }

    private static async Task StopAsync(ChildProcess process)
    {
        process.Signal(15);
        if (await process.WaitForExitAsync(TimeSpan.FromSeconds(30)) != 0)
        {
            throw new InvalidOperationException($"the agent did not stop cleanly:\n{process.Output}");
        }
    }

    private static string StorePath(TempDirectory dir) => Path.Combine(dir.File("data"), new StoreOptions().FileName);

    private static long Head(TempDirectory dir) => Scalar(dir, $"SELECT coalesce(max(seq), 0) FROM {StoreSchema.LogTable(Lane.Normal)}");

    private static long Cursor(TempDirectory dir) => Scalar(dir, $"SELECT coalesce(max(seq), 0) FROM cursors WHERE sink = '{MqttSinkService.SinkName}' AND lane = {(int)Lane.Normal}");

    /// <summary>A read-only query beside the running agent (WAL lets it read while the agent writes).</summary>
    private static long Scalar(TempDirectory dir, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = StorePath(dir), Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 10 }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
