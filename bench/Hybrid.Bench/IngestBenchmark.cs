using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Hybrid.Contracts;
using Hybrid.Functions.Ingest;
using Hybrid.Bench.Storage;
using Hybrid.Functions.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.Bench;

/// <summary>
/// Readings/s through <c>POST /api/ingest</c> (real app on Kestrel, real Azurite, packed messages) beside, in the same
/// run and against the same Azurite, the raw rate of the Azure SDK's <c>QueueClient.SendMessageAsync</c> putting the same
/// queue messages directly.
/// </summary>
internal sealed class IngestBenchmark : IBenchmark
{
    public string Name => "ingest";

    public string Description => "ingest Function readings/s into Azurite vs. the SDK's raw SendMessageAsync rate; p99 latency; app RSS";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var devices = Arg(args, "--devices", 4);
        var batches = Arg(args, "--batches", 60);
        var items = Arg(args, "--items", 1000);
        var payloadBytes = Arg(args, "--payload", 200);
        var runs = Arg(args, "--runs", 3);
        var shuffle = args.Contains("--shuffle");
        Console.WriteLine($"ingest bench: {devices} devices x {batches} batches x {items} items, {payloadBytes}-byte payloads, gzip, packed; {runs} runs" +
            (shuffle ? "; --shuffle: each device posts all its batches at once in random order, retrying 409 after Retry-After" : "; each device posts its batches one after another in seq order"));

        MeasureCpu(items, payloadBytes);
        await using var stack = await CloudStack.StartAsync(cancellationToken);
        var app = stack.App;
        using var http = stack.CreateHttpClient(256);
        var queues = stack.Telemetry;
        var table = new TableWatermarkStore(stack.Storage, Microsoft.Extensions.Options.Options.Create(new StorageOptions()), NullLogger<TableWatermarkStore>.Instance);

        var payload = new string('x', payloadBytes - 10);
        var packer = new MessagePacker(RoutingOptions.ServiceMaxMessageBytes, PackingMode.Packed);
        var ingestRates = new List<double>();
        var rawRates = new List<double>();
        var rawTableRates = new List<double>();
        var ratios = new List<double>();
        var tableRatios = new List<double>();
        var p99s = new List<double>();
        var rss = new List<double>();

        // Warm-up, one full round of each side, not counted: connections, queue and table creation, and above all the
        // JIT tiers of the app and of Azurite's V8, without which every invocation's rates climbed from run to run.
        await RunIngestAsync(http, devices, batches, items, payload, shuffle, cancellationToken);
        await RunRawAsync(queues, null, packer, devices, batches, items, payload, cancellationToken);
        await RunRawAsync(queues, table, packer, devices, batches, items, payload, cancellationToken);
        await queues.ClearMessagesAsync(cancellationToken);

        for (var run = 1; run <= runs; run++)
        {
            // Alternate which side goes first and start each side on an empty queue, so neither pays for the other's
            // backlog in Azurite.
            double ingestRate = 0, rawRate = 0, rawTableRate = 0;
            List<double> latencies = [];
            double memoryMb = 0;
            for (var side = 0; side < 3; side++)
            {
                await queues.ClearMessagesAsync(cancellationToken);
                switch ((side + run) % 3)
                {
                    case 0:
                        (ingestRate, latencies) = await RunIngestAsync(http, devices, batches, items, payload, shuffle, cancellationToken);
                        memoryMb = app.ProcessId is { } pid ? StatusMb(pid, "VmRSS") : 0;
                        break;
                    case 1:
                        rawRate = await RunRawAsync(queues, null, packer, devices, batches, items, payload, cancellationToken);
                        break;
                    default:
                        rawTableRate = await RunRawAsync(queues, table, packer, devices, batches, items, payload, cancellationToken);
                        break;
                }
            }

            latencies.Sort();
            var p50 = Percentile(latencies, 0.50);
            var p99 = Percentile(latencies, 0.99);
            ingestRates.Add(ingestRate);
            rawRates.Add(rawRate);
            rawTableRates.Add(rawTableRate);
            ratios.Add(ingestRate / rawRate);
            tableRatios.Add(ingestRate / rawTableRate);
            p99s.Add(p99);
            rss.Add(memoryMb);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run}: ingest {ingestRate,9:N0} readings/s (p50 {p50:N0} ms, p99 {p99:N0} ms per 1000-item request) | raw SDK puts {rawRate,9:N0} readings/s (ratio {ingestRate / rawRate:F2}) | raw puts + 1 table write per batch {rawTableRate,9:N0} readings/s (ratio {ingestRate / rawTableRate:F2}) | app RSS {memoryMb:N0} MiB"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median: ingest {Median(ingestRates):N0} readings/s, raw puts {Median(rawRates):N0} readings/s, raw puts + table writes {Median(rawTableRates):N0} readings/s; median of per-run ratios: {Median(ratios):F2} to raw puts, {Median(tableRatios):F2} to raw puts + table writes; p99 {Median(p99s):N0} ms, app RSS {Median(rss):N0} MiB"));
        if (args.Contains("--app-log"))
        {
            Console.WriteLine(app.Output);
        }

        return 0;
    }

    /// <summary>One core's cost of the app's own work per batch, in process: gunzip, parse, validate, pack.</summary>
    private static void MeasureCpu(int items, int payloadBytes)
    {
        var device = "cpu-0";
        var epoch = EpochId.New(TimeProvider.System);
        var body = Gzip(Encoding.UTF8.GetBytes(Batch(device, epoch, 1, items, new string('x', payloadBytes - 10))));
        var options = new IngestOptions();
        var validator = new BatchValidator(options.MaxTimestampAge, options.MaxTimestampLead);
        var packer = new MessagePacker(RoutingOptions.ServiceMaxMessageBytes, PackingMode.Packed);
        var messages = 0;
        void Once()
        {
            var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
            context.Request.Body = new MemoryStream(body);
            context.Request.ContentLength = body.Length;
            context.Request.Headers.ContentEncoding = "gzip";
            var (buffer, _) = RequestBodyReader.ReadAsync(context.Request, options, default).GetAwaiter().GetResult();
            using (buffer)
            {
                var (batch, _) = BatchParser.Parse(buffer!.Span, options.MaxItems);
                var checkedItems = validator.Check(batch!.Messages, TimeProvider.System.GetUtcNow());
                messages = packer.Pack("telemetry", QueueMessageWriter.Prefix(device, epoch), [.. checkedItems.Select(i => new PackItem(i.Reading, i.Seq, i.Reason))]).Count;
            }
        }

        for (var i = 0; i < 20; i++)
        {
            Once();
        }

        const int Rounds = 100;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < Rounds; i++)
        {
            Once();
        }

        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds / Rounds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"in-process, one thread: gunzip + parse + validate + pack of one {items}-item batch ({body.Length:N0} bytes gzip, {messages} messages) = {ms:F2} ms -> {items / ms * 1000:N0} readings/s per core"));
    }

    private static async Task<(double Rate, List<double> Latencies)> RunIngestAsync(HttpClient http, int devices, int batches, int items, string payload, bool shuffle, CancellationToken cancellationToken)
    {
        var latencies = new List<double>();

        // Build every body first (as the edge has them ready in its store): only the requests are timed.
        var bodies = Enumerable.Range(0, devices).Select(d =>
        {
            var device = $"bench-{d}";
            var epoch = EpochId.New(TimeProvider.System);
            return Enumerable.Range(0, batches).Select(b => Gzip(Encoding.UTF8.GetBytes(Batch(device, epoch, (b * items) + 1, items, payload)))).ToList();
        }).ToList();
        async Task PostAsync(byte[] body)
        {
            var sent = Stopwatch.GetTimestamp();
            await CloudStack.PostIngestAsync(http, body, cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            lock (latencies)
            {
                latencies.Add(elapsed);
            }
        }

        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(bodies.Select(async deviceBodies =>
        {
            if (shuffle)
            {
                var order = deviceBodies.ToArray();
                Random.Shared.Shuffle(order);
                await Task.WhenAll(order.Select(PostAsync));
                return;
            }

            foreach (var body in deviceBodies)
            {
                await PostAsync(body);
            }
        }));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return (devices * batches * items / seconds, latencies);
    }

    /// <summary>
    /// The same messages the Function would send (same packer, same sizes), put with the same per-batch parallelism;
    /// with <paramref name="table"/>, also the conditional Table writes ingest makes: one per batch (the claim, which records
    /// the previous batch) and one after the last.
    /// </summary>
    private static async Task<double> RunRawAsync(Azure.Storage.Queues.QueueClient queues, TableWatermarkStore? table, MessagePacker packer, int devices, int batches, int items, string payload, CancellationToken cancellationToken)
    {
        // Build every message first: only storage calls are timed.
        var work = Enumerable.Range(0, devices).Select(d =>
        {
            var device = $"raw-{d}";
            var epoch = EpochId.New(TimeProvider.System);
            return (device, epoch, Enumerable.Range(0, batches).Select(b =>
            {
                var batch = System.Text.Json.JsonSerializer.Deserialize(Batch(device, epoch, (b * items) + 1, items, payload), ContractJsonContext.Default.IngestBatch)!;
                return RawQueuePut.Pack(packer, CloudStack.TelemetryQueue, batch);
            }).ToList());
        }).ToList();

        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(work.Select(async w =>
        {
            string? etag = null;
            var watermark = 0L;
            foreach (var messages in w.Item3)
            {
                if (table is not null)
                {
                    // The claim on this batch's seqs records the previous batch's (ingest's fold, RecordDelay > 0).
                    var claim = new WatermarkState(DeliveryLedger.Through(watermark), "bench", [new SeqRange(watermark + 1, watermark + items)], TimeProvider.System.GetUtcNow().AddMinutes(1));
                    etag = (etag is null
                        ? await table.TryInsertAsync(w.device, w.epoch, claim, cancellationToken)
                        : await table.TryReplaceAsync(w.device, w.epoch, claim, etag, cancellationToken)).ETag;
                }

                await RawQueuePut.PutBatchAsync(queues, messages, cancellationToken);
                watermark += items;
            }

            if (table is not null)
            {
                // The last batch's record, written on its own once no batch follows.
                await table.TryReplaceAsync(w.device, w.epoch, WatermarkState.Settled(DeliveryLedger.Through(watermark)), etag!, cancellationToken);
            }
        }));
        return devices * batches * items / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static string Batch(string device, string epoch, long firstSeq, int count, string payload)
    {
        var now = TimeProvider.System.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var messages = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            messages.Add(new JsonObject
            {
                ["seq"] = firstSeq + i,
                ["type"] = "telemetry.temperature",
                ["ts"] = now,
                ["source"] = "simulated",
                ["key"] = "sensor-1",
                ["payload"] = new JsonObject { ["v"] = payload },
            });
        }

        return new JsonObject { ["device"] = device, ["epoch"] = epoch, ["messages"] = messages }.ToJsonString();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
