using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Hybrid.Contracts;
using Hybrid.Functions.Ingest;
using Hybrid.Functions.Storage;
using Hybrid.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.Bench;

/// <summary>
/// Readings/s through <c>POST /api/ingest</c> (real app on Kestrel, real Azurite, packed messages) beside, in the same
/// run and against the same Azurite, the raw rate of our storage client putting the same queue messages directly.
/// </summary>
internal sealed class IngestBenchmark : IBenchmark
{
    private const string Key = "bench-key";

    public string Name => "ingest";

    public string Description => "ingest Function readings/s into Azurite vs. our client's raw put rate; p99 latency; app RSS";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var devices = Arg(args, "--devices", 4);
        var batches = Arg(args, "--batches", 15);
        var items = Arg(args, "--items", 1000);
        var payloadBytes = Arg(args, "--payload", 200);
        var runs = Arg(args, "--runs", 3);
        Console.WriteLine($"ingest bench: {devices} devices x {batches} batches x {items} items, {payloadBytes}-byte payloads, gzip, packed; {runs} runs");

        await using var azurite = await AzuriteServer.StartAsync();
        await using var app = await FunctionAppServer.StartAsync(new Dictionary<string, string?>
        {
            ["Hybrid__Storage__ConnectionString"] = azurite.ConnectionString,
            ["Hybrid__Ingest__FunctionKey"] = Key,
            ["DOTNET_gcServer"] = "0",
        });
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var options = new StorageOptions { ConnectionString = azurite.ConnectionString };
        using var transport = new StorageTransport(StorageAccount.Parse(azurite.ConnectionString), options, TimeProvider.System, NullLogger.Instance);
        var queues = new StorageQueueClient(transport);
        await queues.CreateQueueIfNotExistsAsync("telemetry", cancellationToken);

        var payload = new string('x', payloadBytes - 10);
        var packer = new MessagePacker(RoutingOptions.ServiceMaxMessageBytes, PackingMode.Packed);
        var ingestRates = new List<double>();
        var rawRates = new List<double>();
        var p99s = new List<double>();
        var rss = new List<long>();

        // Warm-up: JIT, connections, queue and table creation.
        await RunIngestAsync(http, devices, 1, items, payload, cancellationToken);
        await RunRawAsync(queues, packer, devices, 1, items, payload, cancellationToken);

        for (var run = 1; run <= runs; run++)
        {
            // Alternate which side goes first and start each side on an empty queue, so neither pays for the other's
            // backlog in Azurite.
            double ingestRate = 0, rawRate = 0;
            List<double> latencies = [];
            long memory = 0;
            for (var side = 0; side < 2; side++)
            {
                await queues.ClearMessagesAsync("telemetry", cancellationToken);
                if ((side + run) % 2 == 1)
                {
                    (ingestRate, latencies) = await RunIngestAsync(http, devices, batches, items, payload, cancellationToken);
                    memory = ReadRssKiB(app.ProcessId);
                }
                else
                {
                    rawRate = await RunRawAsync(queues, packer, devices, batches, items, payload, cancellationToken);
                }
            }

            latencies.Sort();
            var p50 = latencies[latencies.Count / 2];
            var p99 = latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(latencies.Count * 0.99) - 1)];
            ingestRates.Add(ingestRate);
            rawRates.Add(rawRate);
            p99s.Add(p99);
            rss.Add(memory);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run}: ingest {ingestRate,9:N0} readings/s (p50 {p50:N0} ms, p99 {p99:N0} ms per 1000-item request) | raw client puts {rawRate,9:N0} readings/s | ratio {ingestRate / rawRate:F2} | app RSS {memory / 1024.0:N0} MiB"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median: ingest {Median(ingestRates):N0} readings/s, raw {Median(rawRates):N0} readings/s, ratio {Median(ingestRates) / Median(rawRates):F2}, p99 {Median(p99s):N0} ms, app RSS {Median(rss.Select(r => (double)r).ToList()) / 1024.0:N0} MiB"));
        return 0;
    }

    private static async Task<(double Rate, List<double> Latencies)> RunIngestAsync(HttpClient http, int devices, int batches, int items, string payload, CancellationToken cancellationToken)
    {
        var latencies = new List<double>();
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, devices).Select(async d =>
        {
            var device = $"bench-{d}";
            var epoch = EpochId.New(TimeProvider.System);
            for (var b = 0; b < batches; b++)
            {
                var body = Gzip(Encoding.UTF8.GetBytes(Batch(device, epoch, (b * items) + 1, items, payload)));
                var sent = Stopwatch.GetTimestamp();
                while (true)
                {
                    using var content = new ByteArrayContent(body);
                    content.Headers.ContentType = new("application/json");
                    content.Headers.ContentEncoding.Add("gzip");
                    using var request = new HttpRequestMessage(HttpMethod.Post, "api/ingest") { Content = content };
                    request.Headers.Add("x-functions-key", Key);
                    using var response = await http.SendAsync(request, cancellationToken);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        break;
                    }

                    throw new InvalidOperationException($"ingest answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
                }

                var elapsed = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                lock (latencies)
                {
                    latencies.Add(elapsed);
                }
            }
        }));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return (devices * batches * items / seconds, latencies);
    }

    /// <summary>The same messages the Function would send (same packer, same sizes), put with the same per-batch parallelism.</summary>
    private static async Task<double> RunRawAsync(StorageQueueClient queues, MessagePacker packer, int devices, int batches, int items, string payload, CancellationToken cancellationToken)
    {
        // Build every message first: only the puts are timed.
        var work = Enumerable.Range(0, devices).Select(d =>
        {
            var device = $"raw-{d}";
            var epoch = EpochId.New(TimeProvider.System);
            return Enumerable.Range(0, batches).Select(b =>
            {
                var batch = System.Text.Json.JsonSerializer.Deserialize(Batch(device, epoch, (b * items) + 1, items, payload), ContractJsonContext.Default.IngestBatch)!;
                return packer.Pack("telemetry", QueueMessageWriter.Prefix(device, epoch), [.. batch.Messages.Select(m => new PackItem(m, m.Seq, null))]);
            }).ToList();
        }).ToList();

        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(work.Select(async deviceBatches =>
        {
            foreach (var messages in deviceBatches)
            {
                await Task.WhenAll(messages.Select(m => queues.TryPutMessageAsync(m.Queue, m.Text, cancellationToken)));
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

    private static long ReadRssKiB(int? pid)
    {
        if (pid is null)
        {
            return 0;
        }

        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
