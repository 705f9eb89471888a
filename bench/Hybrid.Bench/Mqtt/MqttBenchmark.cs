using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Hybrid.Edge.Mqtt;
using Hybrid.Edge.Sinks;
using Hybrid.Edge.Store;
using Hybrid.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.Bench.Mqtt;

/// <summary>
/// <c>./hybrid bench mqtt [--count N] [--runs R] [--window W] [--rate R] [--seconds S]</c>:
/// (1) the sink's QoS 1 publish rate draining a backlog of N readings with 100-byte payloads from the real store,
/// beside <c>mosquitto_pub -q 1 -l</c> sending the same serialized payloads to the same broker in the same run;
/// (2) capture→PUBACK latency (writer.TryWrite → broker acknowledgement) at a paced rate.
/// Both rates count only what the broker itself says it received (<c>$SYS/broker/publish/messages/received</c>).
/// </summary>
internal sealed class MqttBenchmark : IBenchmark
{
    public string Name => "mqtt";

    public string Description => "MQTT sink QoS 1 rate from a backlog vs mosquitto_pub -q 1 -l; capture->PUBACK latency p50/p99";

    // mosquitto_pub 2.0 -l exits on the first PUBACK whose message id equals that of its last line; ids wrap at
    // 65,535, so a longer input ends early (300,000 lines: ~38,000 delivered) and its "rate" is fiction. Each
    // mosquitto_pub process is therefore given fewer lines than that, one after the other.
    private const int LinesPerMosquittoPub = 60_000;

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var count = Arg(args, "--count", 1_000_000);
        var runs = Arg(args, "--runs", 3);
        var window = Arg(args, "--window", new MqttOptions().InflightWindow);
        var rate = Arg(args, "--rate", 1000);
        var seconds = Arg(args, "--seconds", 10);
        Console.WriteLine($"mqtt bench: {count} readings x {runs} runs, payload 100 B, QoS 1, sink inflight window {window}; latency at {rate}/s for {seconds} s");

        // Without TCP_NODELAY on the broker, Nagle holds each PUBACK behind the previous one until our delayed ACK
        // (~40 ms); a latency-sensitive deployment sets it, so the bench does too (both clients benefit equally).
        var nodelay = !args.Contains("--broker-nagle");
        await using var broker = await MosquittoBroker.StartAsync(nodelay ? ["set_tcp_nodelay true", "sys_interval 1"] : ["sys_interval 1"]);
        Console.WriteLine($"broker: mosquitto, set_tcp_nodelay {(nodelay ? "true" : "false (default)")}");
        var sinkRates = new List<double>();
        var pubRates = new List<double>();
        var sinkCpu = new List<double>();
        var pubCpu = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            using var dir = new TempDirectory("bench-mqtt");
            var received = await BrokerReceivedAsync(broker, cancellationToken);
            var (sinkRate, sinkCpuTime, lines) = await SinkRateAsync(broker, dir, count, window, cancellationToken);
            received = await ExpectReceivedAsync(broker, "the sink", received, count, cancellationToken);
            var (pubRate, pubCpuTime) = await MosquittoPubRateAsync(broker, lines, count, cancellationToken);
            await ExpectReceivedAsync(broker, "mosquitto_pub", received, count, cancellationToken);
            sinkRates.Add(sinkRate);
            pubRates.Add(pubRate);
            sinkCpu.Add(PerHundredThousand(sinkCpuTime, count));
            pubCpu.Add(PerHundredThousand(pubCpuTime, count));
            Console.WriteLine($"  run {run}: sink {sinkRate,10:N0} msg/s   mosquitto_pub {pubRate,10:N0} msg/s   ratio {sinkRate / pubRate:F2}   CPU per 100,000 msgs: sink {sinkCpu[^1]:F2} s, mosquitto_pub {pubCpu[^1]:F2} s");
        }

        var latencies = new List<(double P50, double P99, double Max)>();
        for (var run = 1; run <= runs; run++)
        {
            using var dir = new TempDirectory("bench-mqtt-lat");
            var latency = await LatencyAsync(broker, dir, rate, seconds, window, cancellationToken);
            latencies.Add(latency);
            Console.WriteLine($"  latency run {run}: p50 {latency.P50:F2} ms   p99 {latency.P99:F2} ms   max {latency.Max:F2} ms");
        }

        var ratio = Median(sinkRates) / Median(pubRates);
        Console.WriteLine($"median: sink {Median(sinkRates):N0} msg/s, mosquitto_pub {Median(pubRates):N0} msg/s, ratio {ratio:F2} (target >= 0.50, and >= 0.8x the libmosquitto sink's rate recorded in docs/BENCHMARKS.md)");
        Console.WriteLine($"median: client CPU per 100,000 msgs: sink process {Median(sinkCpu):F2} s ({Median(sinkCpu) * 10:F1} us/msg), mosquitto_pub {Median(pubCpu):F2} s ({Median(pubCpu) * 10:F1} us/msg)");
        Console.WriteLine($"median: capture->PUBACK p50 {Median(latencies.Select(l => l.P50)):F2} ms, p99 {Median(latencies.Select(l => l.P99)):F2} ms at {rate}/s (target p99 <= 10 ms)");
        return 0;
    }

    /// <summary>CPU seconds per 100,000 messages.</summary>
    private static double PerHundredThousand(TimeSpan cpu, int count) => cpu.TotalSeconds * 100_000 / count;

    /// <summary>
    /// The sink's drain rate and the bench process's CPU time (<c>/proc/self/stat</c> utime+stime) over the drain:
    /// the client, the store reads and cursor saves, i.e. what the agent pays to publish.
    /// </summary>
    private static async Task<(double Rate, TimeSpan Cpu, IReadOnlyList<string> LinesFiles)> SinkRateAsync(MosquittoBroker broker, TempDirectory dir, int count, int window, CancellationToken cancellationToken)
    {
        await using var store = OpenStore(dir, TimeSpan.FromMilliseconds(200));
        var payload = Encoding.UTF8.GetBytes("{\"v\":\"" + new string('x', 100 - 8) + "\"}");
        // A current timestamp: the store's TTL retention would delete readings from the distant past.
        var stored = new CaptureReading("telemetry.bench", TimeProvider.System.GetUtcNow(), "bench", null, payload);
        await BenchStore.WriteAsync(store, count, _ => stored, cancellationToken);
        var sinkLog = store.GetSink("mqtt");

        // The same bytes the sink publishes, for mosquitto_pub -l (one JSON document per line, no newlines inside),
        // in files of LinesPerMosquittoPub lines.
        var linesFiles = new List<string>();
        FileStream? file = null;
        try
        {
            using var json = new ReadingJson();
            var verify = store.GetSink("verify");
            var after = 0L;
            var written = 0;
            while (true)
            {
                var batch = await verify.ReadAsync(Lane.Normal, after, 5000, int.MaxValue, cancellationToken);
                if (batch.Count == 0)
                {
                    break;
                }

                foreach (var reading in batch)
                {
                    if (written++ % LinesPerMosquittoPub == 0)
                    {
                        file?.Dispose();
                        linesFiles.Add(dir.File($"payloads-{linesFiles.Count:D3}.txt"));
                        file = new FileStream(linesFiles[^1], FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
                    }

                    file!.Write(json.Write("bench", sinkLog.GetEpoch(Lane.Normal), reading).Span);
                    file.WriteByte((byte)'\n');
                }

                after = batch[^1].Seq;
            }
        }
        finally
        {
            file?.Dispose();
        }

        var options = new MqttOptions { Host = broker.Host, Port = broker.Port, TopicTemplate = "bench/{device}/{type}", InflightWindow = window, Qos = 1 };
        await using var client = new MqttNetClient(MqttClientSettings.From(options, "bench-sink", null), TimeProvider.System, NullLogger.Instance);
        var connected = await client.ConnectAsync(cancellationToken);
        if (!connected.Connected)
        {
            throw new InvalidOperationException(connected.Error);
        }

        using var sink = new MqttSink(sinkLog, client, MqttSinkSettings.From(options, "bench"), TimeProvider.System, NullLogger.Instance);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var cpuBefore = CpuTime();
        var watch = Stopwatch.StartNew();
        var run = sink.RunAsync(cts.Token);
        while (sink.Counters.Acknowledged < count)
        {
            await Task.Delay(5, cancellationToken);
        }

        var elapsed = watch.Elapsed;
        var cpu = CpuTime() - cpuBefore;
        await cts.CancelAsync();
        await run;
        return (count / elapsed.TotalSeconds, cpu, linesFiles);
    }

    /// <summary>
    /// mosquitto_pub's rate and CPU time: the <c>cutime</c>+<c>cstime</c> this process gains as each child is reaped,
    /// which is the child's own utime+stime from its <c>/proc/PID/stat</c> at exit (nothing else is reaped meanwhile).
    /// </summary>
    private static async Task<(double Rate, TimeSpan Cpu)> MosquittoPubRateAsync(MosquittoBroker broker, IReadOnlyList<string> linesFiles, int count, CancellationToken cancellationToken)
    {
        var port = broker.Port.ToString(CultureInfo.InvariantCulture);
        var cpuBefore = CpuTime(reapedChildren: true);
        var watch = Stopwatch.StartNew();
        foreach (var linesFile in linesFiles)
        {
            await using var pub = ChildProcess.Start("/bin/sh", ["-c", $"exec '{Tools.MosquittoPub}' -h {broker.Host} -p {port} -q 1 -l -t bench/pub/telemetry.bench -i bench-pub < '{linesFile}'"]);
            var code = await pub.WaitForExitAsync(TimeSpan.FromMinutes(10));
            if (code != 0)
            {
                throw new InvalidOperationException($"mosquitto_pub exited {code}: {pub.Output}");
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        var elapsed = watch.Elapsed;
        return (count / elapsed.TotalSeconds, CpuTime(reapedChildren: true) - cpuBefore);
    }

    /// <summary>Waits until the broker's own count of received publishes reaches <paramref name="expected"/> more.</summary>
    private static async Task<long> ExpectReceivedAsync(MosquittoBroker broker, string sender, long before, int expected, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var now = await BrokerReceivedAsync(broker, cancellationToken);
            if (now - before >= expected)
            {
                return now;
            }

            if (watch.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException($"the broker received {now - before:N0} publishes from {sender}, not {expected:N0}: its rate would be fiction");
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    /// <summary>The broker's <c>$SYS/broker/publish/messages/received</c> (retained, refreshed every <c>sys_interval</c>).</summary>
    private static async Task<long> BrokerReceivedAsync(MosquittoBroker broker, CancellationToken cancellationToken)
    {
        var port = broker.Port.ToString(CultureInfo.InvariantCulture);
        await using var sub = ChildProcess.Start(Tools.MosquittoSub, ["-h", broker.Host, "-p", port, "-C", "1", "-W", "5", "-t", "$SYS/broker/publish/messages/received"]);
        var code = await sub.WaitForExitAsync(TimeSpan.FromSeconds(10));
        cancellationToken.ThrowIfCancellationRequested();
        if (code != 0 || !long.TryParse(sub.Output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var received))
        {
            throw new InvalidOperationException($"cannot read the broker's received count ($SYS, mosquitto_sub exit {code}): {sub.Output}");
        }

        return received;
    }

    private static async Task<(double P50, double P99, double Max)> LatencyAsync(MosquittoBroker broker, TempDirectory dir, int rate, int seconds, int window, CancellationToken cancellationToken)
    {
        await using var store = OpenStore(dir, TimeSpan.Zero);
        var options = new MqttOptions { Host = broker.Host, Port = broker.Port, TopicTemplate = "bench/{device}/{type}", InflightWindow = window, Qos = 1 };
        await using var inner = new MqttNetClient(MqttClientSettings.From(options, "bench-lat", null), TimeProvider.System, NullLogger.Instance);
        if (await inner.ConnectAsync(cancellationToken) is { Connected: false } failed)
        {
            throw new InvalidOperationException(failed.Error);
        }

        var client = new AckTimingClient(inner);
        using var sink = new MqttSink(store.GetSink("mqtt"), client, MqttSinkSettings.From(options, "bench"), TimeProvider.System, NullLogger.Instance);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = sink.RunAsync(cts.Token);

        var total = rate * seconds;
        var captured = new long[total + 1];
        var payload = Encoding.UTF8.GetBytes("{\"v\":\"" + new string('x', 100 - 8) + "\"}");
        var interval = Stopwatch.Frequency / (double)rate;
        var start = Stopwatch.GetTimestamp();
        for (var i = 1; i <= total; i++)
        {
            var due = start + (long)(i * interval);
            while (Stopwatch.GetTimestamp() < due)
            {
                if (due - Stopwatch.GetTimestamp() > Stopwatch.Frequency / 500)
                {
                    await Task.Delay(1, cancellationToken);
                }
                else
                {
                    Thread.SpinWait(20);
                }
            }

            captured[i] = Stopwatch.GetTimestamp();
            store.Writer.TryWrite(new CaptureReading("telemetry.bench", TimeProvider.System.GetUtcNow(), "bench", null, payload));
        }

        var waited = Stopwatch.StartNew();
        while (client.Acks.Count < total)
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"latency run stalled: {client.Acks.Count}/{total} acked; sink published {sink.Counters.Published}, acknowledged {sink.Counters.Acknowledged}, inflight {sink.Counters.Inflight}; store head {store.GetLane(Lane.Normal).HeadSeq}, cursor {store.GetSink("mqtt").GetCursor(Lane.Normal)}; missing seqs {string.Join(',', Enumerable.Range(1, total).Where(q => !client.Acks.ContainsKey(q)).Take(10))}; max acked {client.Acks.Keys.Max()}");
            }

            await Task.Delay(10, cancellationToken);
        }

        await cts.CancelAsync();
        await run;
        var latencies = Enumerable.Range(1, total)
            .Select(seq => (client.Acks[seq] - captured[seq]) * 1000.0 / Stopwatch.Frequency)
            .Order()
            .ToArray();
        return (Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies[^1]);
    }

    private static ReadingStore OpenStore(TempDirectory dir, TimeSpan commitInterval) => BenchStore.Open(dir.Path, commitInterval, "mqtt");

    /// <summary>Records when each reading's publish was acknowledged, by the seq in its payload.</summary>
    private sealed class AckTimingClient(IMqttClient inner) : IMqttClient
    {
        public ConcurrentDictionary<long, long> Acks { get; } = new();

        public MqttConnectionState State => inner.State;

        public ChannelReader<MqttMessage> Messages => inner.Messages;

        public event EventHandler<MqttConnectionEventArgs>? ConnectionChanged
        {
            add => inner.ConnectionChanged += value;
            remove => inner.ConnectionChanged -= value;
        }

        public Task<MqttConnectResult> ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

        public Task WaitUntilConnectedAsync(CancellationToken cancellationToken) => inner.WaitUntilConnectedAsync(cancellationToken);

        public Task<PublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, int qos, bool retain, CancellationToken cancellationToken)
        {
            var seq = JsonDocument.Parse(payload).RootElement.GetProperty("seq").GetInt64();
            var task = inner.PublishAsync(topic, payload, qos, retain, cancellationToken);
            return task.ContinueWith(
                t =>
                {
                    Acks[seq] = Stopwatch.GetTimestamp();
                    return t.Result;
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        public Task<PublishResult> SubscribeAsync(string filter, int qos, CancellationToken cancellationToken) => inner.SubscribeAsync(filter, qos, cancellationToken);

        public Task DisconnectAsync(CancellationToken cancellationToken) => inner.DisconnectAsync(cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
