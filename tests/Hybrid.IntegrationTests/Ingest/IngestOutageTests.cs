using System.Net;
using Hybrid.Testing;
using static Hybrid.IntegrationTests.Ingest.IngestHttp;

namespace Hybrid.IntegrationTests.Ingest;

[Collection(IngestServices.Name)]
public sealed class IngestOutageTests(IngestAppFixture fixture)
{
    [Fact]
    public async Task Ingest_AzuriteStopped_Answers503WithRetryAfterThenTheRetrySucceedsWithoutDuplicates()
    {
        var (device, epoch) = (NewDevice(), NewEpoch());
        using var http = Client(fixture.AppA.BaseAddress);
        var before = await PostUntilOkAsync(http, Batch(device, epoch, Enumerable.Range(1, 100).Select(i => (long)i)));
        var second = Batch(device, epoch, Enumerable.Range(51, 100).Select(i => (long)i));

        await fixture.Azurite.StopAsync();
        HttpResponseMessage during;
        try
        {
            during = await PostAsync(http, second, gzip: true);
        }
        finally
        {
            await fixture.Azurite.RestartAsync();
        }

        var retried = await PostUntilOkAsync(http, second);
        var queued = (await QueueReader.DrainAsync(fixture.Storage, IngestAppFixture.AllQueues)).Where(q => q.Device == device).ToList();

        Assert.Equal(100, before.Accepted);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), during.Headers.RetryAfter?.Delta);
        Assert.Contains("nothing was acknowledged", await DetailAsync(during), StringComparison.Ordinal);
        Assert.Equal((50, 50, 150L), (retried.Accepted, retried.Duplicates, retried.Watermark));
        Assert.Equal(Enumerable.Range(1, 150).Select(i => (long)i), queued.Select(q => q.Seq).Order());
    }

    [Fact]
    public async Task Ingest_AzuriteStoppedDuringAStreamOfBatches_NothingAcknowledgedIsLostAndDuplicatesStayInTheFailedRequest()
    {
        var (device, epoch) = (NewDevice(), NewEpoch());
        using var http = Client(fixture.AppA.BaseAddress);
        var failedRanges = new List<(long From, long To)>();
        var acknowledged = new List<long>();
        const int Batches = 12;
        const int Size = 200;

        // An edge-like sender: one batch in flight, each retried until 200. Azurite stops while batch 4 is on its way.
        // (SIGTERM, not SIGKILL: Azurite loses its last seconds of writes on SIGKILL, see AzuriteServer.StopAsync.)
        for (var b = 0; b < Batches; b++)
        {
            var seqs = Enumerable.Range((b * Size) + 1, Size).Select(i => (long)i).ToList();
            var body = Batch(device, epoch, seqs);
            if (b == 4)
            {
                var post = PostAsync(http, body, gzip: true);
                await Task.Delay(Random.Shared.Next(0, 30));
                await fixture.Azurite.StopAsync();
                using var response = await post;
                await fixture.Azurite.RestartAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    failedRanges.Add((seqs[0], seqs[^1]));
                }
                else
                {
                    acknowledged.AddRange(seqs);
                    continue;
                }
            }

            var ok = await PostUntilOkAsync(http, body);
            Assert.Equal(Size, ok.Accepted + ok.Duplicates);
            acknowledged.AddRange(seqs);
        }

        var queued = (await QueueReader.DrainAsync(fixture.Storage, IngestAppFixture.AllQueues)).Where(q => q.Device == device).Select(q => q.Seq).ToList();

        Assert.Equal(Enumerable.Range(1, Batches * Size).Select(i => (long)i), queued.Distinct().Order());
        var duplicates = queued.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.All(duplicates, s => Assert.Contains(failedRanges, r => s >= r.From && s <= r.To));
    }

    [Fact]
    public async Task Ingest_AzuriteStoppedWhileSendingOneItemPerMessage_Answers503AndTheRetryAfterClaimExpiryLosesNothing()
    {
        // One item per message makes a 600-item request take seconds, so the stop lands in the middle of its sends.
        await using var app = await FunctionAppServer.StartAsync(new Dictionary<string, string?>
        {
            ["Hybrid__Storage__ConnectionString"] = fixture.Azurite.ConnectionString,
            ["Hybrid__Storage__MaxRetries"] = "1",
            ["Hybrid__Storage__RetryDelay"] = "00:00:00.100",
            ["Hybrid__Storage__RequestTimeout"] = "00:00:03",
            ["Hybrid__Ingest__FunctionKey"] = IngestAppFixture.FunctionKey,
            ["Hybrid__Ingest__ClaimDuration"] = IngestAppFixture.ClaimDuration.ToString(),
            ["Hybrid__Ingest__UnavailableRetryAfter"] = "00:00:01",
            ["Hybrid__Routing__DefaultQueue"] = IngestAppFixture.DefaultQueue,
            ["Hybrid__Routing__Packing"] = "Single",
        });
        var (device, epoch) = (NewDevice(), NewEpoch());
        using var http = Client(app.BaseAddress);
        var body = Batch(device, epoch, Enumerable.Range(1, 600).Select(i => (long)i), type: "ble.seen");

        await QueueReader.DrainAsync(fixture.Storage, [IngestAppFixture.DefaultQueue]);
        var post = PostAsync(http, body, gzip: true);
        var queued = 0L;
        await Eventually.UntilAsync(
            async () => (queued = await QueueReader.CountAsync(fixture.Storage, [IngestAppFixture.DefaultQueue])) >= 20,
            TimeSpan.FromSeconds(30),
            () => $"{queued} messages queued; the request: {(post.IsCompleted ? post.Status.ToString() : "still running")}");

        await fixture.Azurite.StopAsync();
        HttpResponseMessage during;
        try
        {
            during = await post;
        }
        finally
        {
            await fixture.Azurite.RestartAsync();
        }

        var sentBeforeStop = (await QueueReader.DrainAsync(fixture.Storage, [IngestAppFixture.DefaultQueue])).Where(q => q.Device == device).ToList();
        var retried = await PostUntilOkAsync(http, body);
        var sentAfter = (await QueueReader.DrainAsync(fixture.Storage, [IngestAppFixture.DefaultQueue])).Where(q => q.Device == device).ToList();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.NotNull(during.Headers.RetryAfter);
        Assert.InRange(sentBeforeStop.Count, 1, 599);
        Assert.Equal(600, retried.Accepted + retried.Duplicates);
        Assert.Equal(Enumerable.Range(1, 600).Select(i => (long)i), sentBeforeStop.Concat(sentAfter).Select(q => q.Seq).Distinct().Order());
        // At least once: what the failed request got out before the stop may come again, nothing else does.
        Assert.Equal(sentAfter.Count, sentAfter.Select(q => q.Seq).Distinct().Count());
    }
}
