using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Hybrid.Functions.Storage;
using Hybrid.Testing;

namespace Hybrid.Bench.Storage;

/// <summary>
/// Queue put rate of our storage client against a real Azurite, beside the same-run limit: the same signed puts sent
/// with a bare <see cref="HttpClient"/> (no retry pipeline, no per-attempt request factory, no status switch).
/// Usage: <c>./hybrid bench storage [messages=2000] [bodyBytes=48000] [concurrency=16]</c>.
/// </summary>
internal sealed class StorageBenchmark : IBenchmark
{
    public string Name => "storage";

    public string Description => "queue puts/s of our storage client vs bare signed HttpClient puts, into Azurite";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var messages = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        var bodyBytes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 48_000;
        var concurrency = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 16;
        await using var azurite = await AzuriteServer.StartAsync();
        var (transport, queues) = RawQueuePut.CreateQueueClient(azurite.ConnectionString);
        using var _ = transport;
        var body = new byte[bodyBytes];
        new Random(1).NextBytes(body);
        Console.WriteLine($"storage: {messages} puts of {bodyBytes} B, {concurrency} in flight, Azurite {azurite.QueueEndpoint}");

        // Warm up connections and JIT on both paths before measuring.
        await RawQueuePut.MeasureAsync(queues, Sends("warmup", 200, body), concurrency, cancellationToken);
        await BarePutAsync(azurite, "warmup", body, 200, concurrency, cancellationToken);

        var ours = new List<RawPutResult>();
        var bare = new List<double>();
        for (var run = 0; run < 3; run++)
        {
            var result = await RawQueuePut.MeasureAsync(queues, Sends($"ours{run}", messages, body), concurrency, cancellationToken);
            ours.Add(result);
            var limit = await BarePutAsync(azurite, $"bare{run}", body, messages, concurrency, cancellationToken);
            bare.Add(limit);
            Console.WriteLine($"run {run + 1}: ours {result}; bare HttpClient {limit:F0} msg/s");
        }

        var oursMedian = Median(ours.Select(r => r.MessagesPerSecond));
        var bareMedian = Median(bare);
        Console.WriteLine($"median: ours {oursMedian:F0} msg/s ({oursMedian * bodyBytes / 1e6:F1} MB/s), bare {bareMedian:F0} msg/s, ratio {oursMedian / bareMedian:F2}");
        return 0;
    }

    private static List<QueueSend> Sends(string queue, int count, byte[] body) =>
        Enumerable.Range(0, count).Select(_ => new QueueSend(queue, body)).ToList();

    /// <summary>The limit: pre-built XML body, SharedKey signing, a pooled client, nothing else.</summary>
    private static async Task<double> BarePutAsync(AzuriteServer azurite, string queue, byte[] body, int count, int concurrency, CancellationToken cancellationToken)
    {
        var account = StorageAccount.Parse(azurite.ConnectionString);
        using var client = new HttpClient(new SharedKeyHandler(account.SharedKey!, TimeProvider.System,
            new SocketsHttpHandler { MaxConnectionsPerServer = 64, UseProxy = false }));
        var queueUri = new Uri($"{account.QueueEndpoint.AbsoluteUri}/{queue}");
        var messagesUri = new Uri($"{queueUri.AbsoluteUri}/messages");
        using (var create = new HttpRequestMessage(HttpMethod.Put, queueUri))
        {
            create.Headers.TryAddWithoutValidation("x-ms-version", StorageTransport.ApiVersion);
            (await client.SendAsync(create, cancellationToken)).Dispose();
        }

        var xml = StorageQueueClient.BuildMessageXml(body);
        var next = -1;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, messagesUri) { Content = new ByteArrayContent(xml) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
                request.Headers.TryAddWithoutValidation("x-ms-version", StorageTransport.ApiVersion);
                using var response = await client.SendAsync(request, cancellationToken);
                response.EnsureSuccessStatusCode();
            }
        }));
        return count / stopwatch.Elapsed.TotalSeconds;
    }
}
