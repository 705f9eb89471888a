using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hybrid.Bench.Storage;
using Hybrid.Bench.Uplink;
using Hybrid.Contracts;
using Hybrid.Edge.Store;
using Hybrid.Edge.Uplink;
using Hybrid.Functions.Ingest;
using Hybrid.Testing;
using static Hybrid.Bench.EdgeAgentHarness;

namespace Hybrid.Bench;

/// <summary>
/// <c>./hybrid bench uplink [--runs R] [--backlog N] [--payload B] [--rate R] [--seconds S] [--agent PATH]</c>:
/// the real agent (native AOT, capture off, MQTT off, uplink on) draining a backlog of N readings from its store through
/// the real ingest Function into a real Azurite, until its durable <c>uplink</c> cursor reaches the head; in the same
/// run, our storage client putting the very same queue messages straight into the same Azurite, one batch's messages
/// in parallel (the limit). The queue is then read back and must hold each seq exactly once. Then capture→queue
/// latency with simulated capture at R readings/s and default linger, seen by a consumer polling the queue.
/// </summary>
internal sealed class UplinkBenchmark : IBenchmark
{
    /// <summary>The device id of the bench's own POSTs of the agent's bodies.</summary>
    private const string PostDevice = "bench-post";

    /// <summary>Readings of the untimed warm-up run.</summary>
    private const int WarmUpBacklog = 50_000;

    private static readonly TimeSpan CaptureInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>How long the latency reader keeps reading after the capture window (a lingering batch still arrives).</summary>
    private static readonly TimeSpan LatencyTail = TimeSpan.FromSeconds(3);

    public string Name => "uplink";

    public string Description => "agent (AOT) draining a backlog through the ingest Function into Azurite vs. raw puts of the same messages; capture->queue latency";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var runs = Arg(args, "--runs", 3);
        var backlog = Arg(args, "--backlog", 1_000_000);
        var payloadBytes = Arg(args, "--payload", 200);
        var rate = Arg(args, "--rate", 1000);
        var seconds = Arg(args, "--seconds", 20);
        var postBatches = Arg(args, "--post-batches", 200);
        var sensors = Math.Max(1, rate * (int)CaptureInterval.TotalMilliseconds / 1000);
        var agent = ArgText(args, "--agent") ?? await PublishAotAsync(cancellationToken);
        Console.WriteLine($"uplink bench: {runs} runs; drain a backlog of {backlog:N0} readings ({payloadBytes}-byte payloads) through the Function into Azurite vs. raw puts of the same messages; then {sensors} simulated sensors every {CaptureInterval.TotalMilliseconds} ms ({sensors * 1000 / (int)CaptureInterval.TotalMilliseconds}/s) for {seconds} s, capture->queue latency");
        Console.WriteLine($"  agent: {agent}; uplink defaults ({new UplinkOptions().MaxBatchItems} items, linger {new UplinkOptions().Linger.TotalMilliseconds} ms); load average {LoadAverage()}");

        await using var stack = await CloudStack.StartAsync(cancellationToken);
        var drains = new List<Drain>();
        var raws = new List<double>();
        var postRates = new List<double>();

        // Untimed: the Function's JIT and tiered compilation, connections, the device's first table entity.
        await RunOnceAsync("warm-up", agent, stack, Math.Min(backlog, WarmUpBacklog), payloadBytes, Math.Min(postBatches, 10), rawFirst: false, cancellationToken);
        for (var run = 1; run <= runs; run++)
        {
            // Alternate which side goes first, so neither always runs on a fresher Azurite.
            var (drain, raw, posts) = await RunOnceAsync($"run {run}", agent, stack, backlog, payloadBytes, postBatches, rawFirst: run % 2 == 0, cancellationToken);
            drains.Add(drain);
            raws.Add(raw);
            postRates.Add(posts);
        }

        var latencies = new List<Latency>();
        for (var run = 1; run <= runs; run++)
        {
            var latency = await LatencyAsync(agent, stack, sensors, seconds, cancellationToken);
            latencies.Add(latency);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"latency run {run}: {latency.Count:N0} readings, capture->queue p50 {latency.P50:F0} ms, p99 {latency.P99:F0} ms, max {latency.Max:F0} ms; agent peak RSS {latency.AgentPeakMb:F1} MB; load average {LoadAverage()}"));
        }

        var ratios = drains.Zip(raws, (d, r) => d.Rate / r).ToList();
        Console.WriteLine();
        Console.WriteLine($"medians of {runs} runs:");
        Console.WriteLine($"  drain                {Median(drains.Select(d => d.Rate)),9:N0} readings/s   (target >= 20,000)");
        Console.WriteLine($"  raw puts, same run   {Median(raws),9:N0} readings/s");
        Console.WriteLine($"  drain / raw          {Median(ratios),9:F2}   (median of per-run ratios; target >= 0.60)");
        Console.WriteLine($"  bench POSTs          {Median(postRates),9:N0} readings/s   (the same bodies, one in flight, no agent)");
        Console.WriteLine($"  agent peak RSS       {Median(drains.Select(d => d.AgentPeakMb)),9:F1} MB   (drain; target <= 60 MB)");
        Console.WriteLine($"  Function RSS         {Median(drains.Select(d => d.FunctionRssMb)),9:F0} MB   (after the drain)");
        Console.WriteLine($"  capture->queue p50   {Median(latencies.Select(l => l.P50)),9:F0} ms");
        Console.WriteLine($"  capture->queue p99   {Median(latencies.Select(l => l.P99)),9:F0} ms   (target <= 1000 ms)");
        return 0;
    }

    /// <summary>One run: fill, drain (and read the queue back), raw puts, bench POSTs; prints and returns the figures.</summary>
    private static async Task<(Drain Drain, double Raw, double Posts)> RunOnceAsync(string label, string agent, CloudStack stack, int backlog, int payloadBytes, int postBatches, bool rawFirst, CancellationToken cancellationToken)
    {
        using var dir = new TempDirectory("bench-uplink");
        var filled = Stopwatch.StartNew();
        var fill = await FillAsync(dir, backlog, payloadBytes, postBatches, cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: backlog of {backlog:N0} in the store and {fill.Batches.Sum(b => b.Count):N0} raw-side messages built in {filled.Elapsed.TotalSeconds:F1} s; {fill.Batches.Count:N0} batches, request body {fill.GzipBytes / fill.Batches.Count / 1024.0:F0} KiB gzip ({fill.JsonBytes / fill.Batches.Count / 1024.0:F0} KiB JSON); load average {LoadAverage()}"));
        var raw = rawFirst ? await RawAsync(stack, fill, cancellationToken) : 0;
        var drain = await DrainAsync(agent, dir, stack, fill, cancellationToken);
        var clock = Stopwatch.StartNew();
        var messages = await TelemetryQueueReader.ExpectEachOnceAsync(stack.Telemetry, backlog, cancellationToken);
        var rejected = await stack.CountAsync(new RoutingOptions().RejectedQueue, cancellationToken);
        Console.WriteLine($"  queue read back in {clock.Elapsed.TotalSeconds:F1} s: {backlog:N0} items in {messages:N0} messages, each seq once; {rejected} rejected");
        raw = rawFirst ? raw : await RawAsync(stack, fill, cancellationToken);
        var posts = await PostAsync(stack, fill, cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  drain {drain.Rate,8:N0} readings/s ({drain.Elapsed.TotalSeconds:F1} s) | raw puts {raw,8:N0} readings/s | ratio {drain.Rate / raw:F2} | agent peak RSS {drain.AgentPeakMb:F1} MB | Function RSS {drain.FunctionRssMb:F0} MB (peak {drain.FunctionPeakMb:F0} MB)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  per batch: {drain.Elapsed.TotalMilliseconds / fill.Batches.Count:F1} ms at the agent, Function's own time p50 {drain.FunctionP50Ms:F1} ms p99 {drain.FunctionP99Ms:F1} ms; bench POSTs of the same bodies, one in flight: {posts.Rate:N0} readings/s, p50 {posts.P50:F1} ms per request; raw puts {backlog / raw * 1000 / fill.Batches.Count:F1} ms per batch"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  CPU during the drain: agent {drain.AgentCpu:F1} s, Function {drain.FunctionCpu:F1} s, Azurite {drain.AzuriteCpu:F1} s of {drain.Elapsed.TotalSeconds:F1} s wall (2 cores)"));
        return (drain, raw, posts.Rate);
    }

    /// <summary>
    /// Writes the backlog into the agent's store in process (fast, through the real writer), then reads it back in the
    /// uplink's own batches and serializes each with the uplink's own writer; the raw side gets the queue messages the
    /// Function makes of exactly those bodies.
    /// </summary>
    private static async Task<Backlog> FillAsync(TempDirectory dir, int count, int payloadBytes, int postBatches, CancellationToken cancellationToken)
    {
        await using var store = BenchStore.Open(DataDirectory(dir), TimeSpan.FromMilliseconds(200), UplinkService.SinkName);
        var payloads = Payloads(payloadBytes);

        // A current timestamp: the store's TTL and the Function's skew window refuse readings from the distant past.
        var ts = TimeProvider.System.GetUtcNow();
        await BenchStore.WriteAsync(store, count, i => new CaptureReading("telemetry.temperature", ts, "simulated", $"s{i % 1000:D4}", payloads[i % payloads.Length]), cancellationToken);

        var sink = store.GetSink(UplinkService.SinkName);
        var epoch = sink.GetEpoch(Lane.Normal);
        var uplink = new UplinkOptions();
        var packer = new MessagePacker(RoutingOptions.ServiceMaxMessageBytes, PackingMode.Packed);
        using var writer = new BatchBodyWriter();
        var batches = new List<List<OutgoingMessage>>();
        var postBodies = new List<byte[]>();
        long gzipBytes = 0, jsonBytes = 0;
        for (var after = 0L; await sink.ReadAsync(Lane.Normal, after, uplink.MaxBatchItems, uplink.MaxBatchBytes, cancellationToken) is { Count: > 0 } readings; after = readings[^1].Seq)
        {
            var body = writer.Write(DeviceId, epoch, after, [.. readings]);
            gzipBytes += body.Length;
            using var json = new MemoryStream();
            using (var gunzip = new GZipStream(new MemoryStream(body.ToArray()), CompressionMode.Decompress))
            {
                await gunzip.CopyToAsync(json, cancellationToken);
            }

            jsonBytes += json.Length;
            json.Position = 0;
            var batch = await JsonSerializer.DeserializeAsync(json, ContractJsonContext.Default.IngestBatch, cancellationToken)
                ?? throw new InvalidOperationException("the uplink's batch body read back as null");
            batches.Add(RawQueuePut.Pack(packer, CloudStack.TelemetryQueue, batch));
            if (postBodies.Count < postBatches)
            {
                // Another device, or the Function would take them for resends of the agent's batches.
                postBodies.Add(writer.Write(PostDevice, epoch, after, [.. readings]).ToArray());
            }
        }

        return new Backlog(epoch, batches, postBodies, gzipBytes, jsonBytes);
    }

    /// <summary>4096 different JSON payloads of <paramref name="bytes"/> bytes (hex text), so gzip sees no repeats within a batch.</summary>
    private static byte[][] Payloads(int bytes)
    {
        var random = new Random(42);
        return [.. Enumerable.Range(0, 4096).Select(_ => Encoding.UTF8.GetBytes("{\"v\":\"" + Convert.ToHexStringLower(random.GetItems<byte>(Enumerable.Range(0, 256).Select(b => (byte)b).ToArray(), Math.Max(1, (bytes - 8) / 2))) + "\"}"))];
    }

    private static async Task<Drain> DrainAsync(string agent, TempDirectory dir, CloudStack stack, Backlog fill, CancellationToken cancellationToken)
    {
        var head = Head(dir);
        var config = WriteConfig(dir, "drain.json", AgentConfig(stack, sensors: 0));
        var functionPid = stack.App.ProcessId ?? throw new InvalidOperationException("the Function app is not running");
        var azuritePid = stack.Azurite.ProcessId ?? throw new InvalidOperationException("Azurite is not running");
        var functionCpu = CpuSeconds(functionPid);
        var azuriteCpu = CpuSeconds(azuritePid);
        await using var process = ChildProcess.Start(agent, ["run", "--config", config]);
        var watch = Stopwatch.StartNew();
        await WaitForCursorAsync(dir, UplinkService.SinkName, head, process, cancellationToken);
        var elapsed = watch.Elapsed;
        var agentPeak = StatusMb(process.Id, "VmHWM");
        var agentCpu = CpuSeconds(process.Id);
        functionCpu = CpuSeconds(functionPid) - functionCpu;
        azuriteCpu = CpuSeconds(azuritePid) - azuriteCpu;
        await StopAsync(process);

        var requestMs = FunctionRequestTimes(stack.App.Output, fill.Epoch);
        requestMs.Sort();
        return new Drain(head / elapsed.TotalSeconds, elapsed, agentPeak, StatusMb(functionPid, "VmRSS"), StatusMb(functionPid, "VmHWM"),
            Percentile(requestMs, 0.50), Percentile(requestMs, 0.99), agentCpu, functionCpu, azuriteCpu);
    }

    /// <summary>The Function's own time per request of this epoch, from its <c>Ingested</c> log lines.</summary>
    private static List<double> FunctionRequestTimes(string log, string epoch) =>
        [.. Regex.Matches(log, $@"Ingest {DeviceId}/{epoch}: .*?, (\d+(?:\.\d+)?) ms").Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    /// <summary>The same messages straight into the same Azurite: one device, batch after batch, a batch's messages in parallel.</summary>
    private static async Task<double> RawAsync(CloudStack stack, Backlog fill, CancellationToken cancellationToken)
    {
        await stack.Telemetry.ClearMessagesAsync(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        foreach (var messages in fill.Batches)
        {
            await RawQueuePut.PutBatchAsync(stack.Telemetry, messages, cancellationToken);
        }

        var rate = fill.Batches.Sum(b => b.Sum(m => m.ItemCount)) / Stopwatch.GetElapsedTime(started).TotalSeconds;
        await stack.Telemetry.ClearMessagesAsync(cancellationToken);
        return rate;
    }

    /// <summary>
    /// The agent's first batch bodies (as another device) POSTed by the bench, one in flight: the Function's rate
    /// without the agent's store reads, gzip and cursor saves.
    /// </summary>
    private static async Task<(double Rate, double P50)> PostAsync(CloudStack stack, Backlog fill, CancellationToken cancellationToken)
    {
        using var http = stack.CreateHttpClient(1);
        var requests = new List<double>();
        var started = Stopwatch.GetTimestamp();
        foreach (var body in fill.PostBodies)
        {
            var sent = Stopwatch.GetTimestamp();
            await CloudStack.PostIngestAsync(http, body, cancellationToken);
            requests.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
        }

        var rate = fill.Batches.Take(fill.PostBodies.Count).Sum(b => b.Sum(m => m.ItemCount)) / Stopwatch.GetElapsedTime(started).TotalSeconds;
        await stack.Telemetry.ClearMessagesAsync(cancellationToken);
        requests.Sort();
        return (rate, Percentile(requests, 0.50));
    }

    private static async Task<Latency> LatencyAsync(string agent, CloudStack stack, int sensors, int seconds, CancellationToken cancellationToken)
    {
        using var dir = new TempDirectory("bench-uplink-latency");
        await stack.Telemetry.ClearMessagesAsync(cancellationToken);
        var config = WriteConfig(dir, "latency.json", AgentConfig(stack, sensors));
        await using var process = ChildProcess.Start(agent, ["run", "--config", config]);
        await WaitForStoreAsync(dir, process, cancellationToken);
        var from = TimeProvider.System.GetUtcNow();
        var to = from.AddSeconds(seconds);
        var latencies = await TelemetryQueueReader.LatenciesAsync(stack.Telemetry, from, to, to + LatencyTail, cancellationToken);
        var peak = StatusMb(process.Id, "VmHWM");
        await StopAsync(process);
        await stack.Telemetry.ClearMessagesAsync(cancellationToken);
        latencies.Sort();
        return new Latency(latencies.Count, Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies.Count > 0 ? latencies[^1] : 0, peak);
    }

    /// <summary>MQTT off, the uplink on with its defaults, and <paramref name="sensors"/> simulated sensors (0: capture off).</summary>
    private static JsonObject AgentConfig(CloudStack stack, int sensors) => new()
    {
        ["Capture"] = SimulatedCapture(sensors, CaptureInterval),
        ["Mqtt"] = new JsonObject { ["Enabled"] = false },
        ["Uplink"] = new JsonObject { ["Enabled"] = true, ["Url"] = stack.IngestUrl.ToString(), ["FunctionKey"] = CloudStack.FunctionKey },
    };

    /// <summary>A filled store's epoch and the raw side's queue messages, batch by batch.</summary>
    private sealed record Backlog(string Epoch, List<List<OutgoingMessage>> Batches, List<byte[]> PostBodies, long GzipBytes, long JsonBytes);

    private sealed record Drain(
        double Rate, TimeSpan Elapsed, double AgentPeakMb, double FunctionRssMb, double FunctionPeakMb,
        double FunctionP50Ms, double FunctionP99Ms, double AgentCpu, double FunctionCpu, double AzuriteCpu);

    private sealed record Latency(int Count, double P50, double P99, double Max, double AgentPeakMb);
}
