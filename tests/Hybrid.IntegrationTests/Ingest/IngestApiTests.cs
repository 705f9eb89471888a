using System.Net;
using System.Text.Json.Nodes;
using Hybrid.Testing;
using static Hybrid.IntegrationTests.Ingest.IngestHttp;

namespace Hybrid.IntegrationTests.Ingest;

[Collection(IngestServices.Name)]
public sealed class IngestApiTests(IngestAppFixture fixture)
{
    [Fact]
    public async Task Ingest_HappyPath_RoutedQueuesHoldExactlyTheAcceptedItemsWithPayloadsIntact()
    {
        var (device, epoch) = (NewDevice(), NewEpoch());
        var types = new[] { "telemetry.temperature", "alert.smoke", "ble.seen" };
        var items = Enumerable.Range(1, 300).Select(i => Item(i, types[i % 3], payload: new JsonObject { ["value"] = i, ["text"] = "é\"<&>\u2028" + new string('x', i) })).ToList();
        var expectedPayloads = items.ToDictionary(i => (long)i["seq"]!, i => i["payload"]!.ToJsonString());
        using var http = Client(fixture.AppA.BaseAddress);

        var response = await PostUntilOkAsync(http, Batch(device, epoch, items));
        var queued = (await QueueReader.DrainAsync(fixture.Storage, IngestAppFixture.AllQueues)).Where(q => q.Device == device).ToList();

        Assert.Equal((300, 0, 0, 300L), (response.Accepted, response.Duplicates, response.Rejected.Count, response.Watermark));
        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long)i), queued.Select(q => q.Seq).Order());
        Assert.All(queued, q => Assert.Equal(epoch, q.Epoch));
        Assert.All(queued, q => Assert.Equal(q.Type switch
        {
            "telemetry.temperature" => IngestAppFixture.TelemetryQueue,
            "alert.smoke" => IngestAppFixture.AlertsQueue,
            _ => IngestAppFixture.DefaultQueue,
        }, q.Queue));
        Assert.All(queued, q => Assert.Equal(expectedPayloads[q.Seq], JsonNode.Parse(q.Payload!)!.ToJsonString()));
    }

    [Fact]
    public async Task Ingest_SameBatchTwice_SecondIsAllDuplicatesAndNothingIsEnqueuedTwice()
    {
        var (device, epoch) = (NewDevice(), NewEpoch());
        var body = Batch(device, epoch, Enumerable.Range(1, 50).Select(i => (long)i));
        using var http = Client(fixture.AppA.BaseAddress);

        var first = await PostUntilOkAsync(http, body);
        var second = await PostUntilOkAsync(http, body);
        var queued = (await QueueReader.DrainAsync(fixture.Storage, IngestAppFixture.AllQueues)).Where(q => q.Device == device).ToList();

        Assert.Equal((50, 0, 50L), (first.Accepted, first.Duplicates, first.Watermark));
        Assert.Equal((0, 50, 50L), (second.Accepted, second.Duplicates, second.Watermark));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), queued.Select(q => q.Seq).Order());
    }

    [Fact]
    public async Task Ingest_OverlappingBatches_EnqueueOnlyWhatIsAboveTheWatermark()
    {
        var (device, epoch) = (NewDevice(), NewEpoch());
        using var http = Client(fixture.AppA.BaseAddress);

        var a = await PostUntilOkAsync(http, Batch(device, epoch, Enumerable.Range(1, 60).Select(i => (long)i)));
        var b = await PostUntilOkAsync(http, Batch(device, epoch, Enumerable.Range(41, 60).Select(i => (long)i)));
        var c = await PostUntilOkAsync(http, Batch(device, epoch, Enumerable.Range(90, 5).Select(i => (long)i)));
        var queued = (await QueueReader.DrainAsync(fixture.Storage, IngestAppFixture.AllQueues)).Where(q => q.Device == device).ToList();

        Assert.Equal((60, 0, 60L), (a.Accepted, a.Duplicates, a.Watermark));
        Assert.Equal((40, 20, 100L), (b.Accepted, b.Duplicates, b.Watermark));
        Assert.Equal((0, 5, 100L), (c.Accepted, c.Duplicates, c.Watermark));
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), queued.Select(q => q.Seq).Order());
    }

    [Fact]
    public async Task Ingest_FiftyConcurrentOverlappingRequestsOnTwoInstances_EnqueueEachSeqExactlyOnce()
    {
        var (device, epoch) = (NewDevice(), NewEpoch());
        using var httpA = Client(fixture.AppA.BaseAddress);
        using var httpB = Client(fixture.AppB.BaseAddress);

        // Every request starts at seq 1, so whichever wins, the union 1..500 gets enqueued; the claim must keep any
        // seq from being enqueued by two requests, on one instance or across both.
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            PostUntilOkAsync(i % 2 == 0 ? httpA : httpB, Batch(device, epoch, Enumerable.Range(1, 10 * (i + 1)).Select(s => (long)s)), TimeSpan.FromSeconds(120))));
        var queued = (await QueueReader.DrainAsync(fixture.Storage, IngestAppFixture.AllQueues)).Where(q => q.Device == device).ToList();

        Assert.Equal(Enumerable.Range(1, 500).Select(i => (long)i), queued.Select(q => q.Seq).Order());
        Assert.Equal(500, responses.Sum(r => r.Accepted));
        Assert.All(responses.Select((r, i) => (r, i)), x => Assert.Equal(10 * (x.i + 1), x.r.Accepted + x.r.Duplicates));
        Assert.Equal(500, responses.Max(r => r.Watermark));
    }

    [Fact]
    public async Task Ingest_SecondInstance_AgreesWithTheFirstThroughTheTable()
    {
        var (device, epoch) = (NewDevice(), NewEpoch());
        using var httpA = Client(fixture.AppA.BaseAddress);
        using var httpB = Client(fixture.AppB.BaseAddress);

        var onA = await PostUntilOkAsync(httpA, Batch(device, epoch, Enumerable.Range(1, 20).Select(i => (long)i)));
        var onB = await PostUntilOkAsync(httpB, Batch(device, epoch, Enumerable.Range(11, 20).Select(i => (long)i)));
        var backOnA = await PostUntilOkAsync(httpA, Batch(device, epoch, Enumerable.Range(25, 10).Select(i => (long)i)));
        var queued = (await QueueReader.DrainAsync(fixture.Storage, IngestAppFixture.AllQueues)).Where(q => q.Device == device).ToList();

        Assert.Equal((20, 0), (onA.Accepted, onA.Duplicates));
        Assert.Equal((10, 10, 30L), (onB.Accepted, onB.Duplicates, onB.Watermark));
        Assert.Equal((4, 6, 34L), (backOnA.Accepted, backOnA.Duplicates, backOnA.Watermark));
        Assert.Equal(Enumerable.Range(1, 34).Select(i => (long)i), queued.Select(q => q.Seq).Order());
    }

    [Fact]
    public async Task Ingest_MixedBatch_AcceptsTheValidItemsAndSendsEachRejectedOneWithItsReason()
    {
        var (device, epoch) = (NewDevice(), NewEpoch());
        var now = TimeProvider.System.GetUtcNow();
        JsonNode?[] items =
        [
            Item(1),
            Item(2, "Telemetry.Upper"),
            Item(3, ts: now.AddDays(-31)),
            Item(4, ts: now.AddMinutes(10)),
            Item(5, payload: JsonValue.Create(new string('x', 33 * 1024))),
            Item(6, new string('t', 129)),
            Item(7),
            Item(5),
            Item(0),
            Item(-3),
            null,
            Item(8, "alert.smoke"),
        ];
        using var http = Client(fixture.AppB.BaseAddress);

        var response = await PostUntilOkAsync(http, Batch(device, epoch, items));
        var again = await PostUntilOkAsync(http, Batch(device, epoch, items));
        var queued = (await QueueReader.DrainAsync(fixture.Storage, IngestAppFixture.AllQueues)).Where(q => q.Device == device).ToList();

        Assert.Equal((3, 0, 8L), (response.Accepted, response.Duplicates, response.Watermark));
        Assert.Equal([2L, 3, 4, 5, 6, 5, 0, -3, 0], response.Rejected.Select(r => r.Seq));
        Assert.Contains("type 'Telemetry.Upper'", response.Rejected[0].Reason, StringComparison.Ordinal);
        Assert.Contains("MaxTimestampAge", response.Rejected[1].Reason, StringComparison.Ordinal);
        Assert.Contains("MaxTimestampLead", response.Rejected[2].Reason, StringComparison.Ordinal);
        Assert.Contains("payload is 33794 bytes", response.Rejected[3].Reason, StringComparison.Ordinal);
        Assert.Contains("seq 5 is not above the previous seq 7", response.Rejected[5].Reason, StringComparison.Ordinal);
        Assert.Equal("The item is null; send a reading object.", response.Rejected[8].Reason);
        Assert.Equal((0, 3, 9), (again.Accepted, again.Duplicates, again.Rejected.Count));

        Assert.Equal([1L, 7], queued.Where(q => q.Queue == IngestAppFixture.TelemetryQueue).Select(q => q.Seq).Order());
        Assert.Equal([8L], queued.Where(q => q.Queue == IngestAppFixture.AlertsQueue).Select(q => q.Seq));
        var rejected = queued.Where(q => q.Queue == IngestAppFixture.RejectedQueue).ToList();
        // Ordered rejects (2-6) go once; out-of-order ones (5, 0, -3, null) have no trustworthy seq and go each time.
        Assert.Equal([-3L, -3, 0, 0, 0, 0, 2, 3, 4, 5, 5, 5, 6], rejected.Select(q => q.Seq).Order());
        Assert.All(rejected, q => Assert.False(string.IsNullOrEmpty(q.Reason)));
        Assert.Equal(response.Rejected[0].Reason, rejected.Single(q => q.Seq == 2).Reason);
    }

    [Fact]
    public async Task Ingest_KeyInQueryString_IsAcceptedLikeTheHeader()
    {
        var (device, epoch) = (NewDevice(), NewEpoch());
        using var http = Client(fixture.AppA.BaseAddress);
        using var content = new StringContent(Batch(device, epoch, [1L]), System.Text.Encoding.UTF8, "application/json");

        using var response = await http.PostAsync(new Uri($"api/ingest?code={IngestAppFixture.FunctionKey}", UriKind.Relative), content);
        await QueueReader.DrainAsync(fixture.Storage, IngestAppFixture.AllQueues);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await ReadAsync(response)).Accepted);
    }

    [Fact]
    public async Task Ingest_LiveClaimOfAnotherRequest_Answers409WithRetryAfterThenTakesTheExpiredClaimOver()
    {
        var (device, epoch) = (NewDevice(), NewEpoch());
        var store = new Hybrid.Functions.Storage.TableWatermarkStore(fixture.Storage.Account,
            Microsoft.Extensions.Options.Options.Create(fixture.Storage.Options), Microsoft.Extensions.Logging.Abstractions.NullLogger<Hybrid.Functions.Storage.TableWatermarkStore>.Instance);
        // Beyond DeviceWait (2 s), which the first request spends waiting for this claim before it answers 409.
        var expires = TimeProvider.System.GetUtcNow().AddSeconds(6);
        await store.TryInsertAsync(device, epoch, new Hybrid.Functions.Ingest.WatermarkState(Hybrid.Functions.Ingest.DeliveryLedger.Empty, "someone-else", [new Hybrid.Functions.Ingest.SeqRange(1, 50)], expires), default);
        using var http = Client(fixture.AppA.BaseAddress);
        var body = Batch(device, epoch, Enumerable.Range(1, 10).Select(i => (long)i));

        using var conflict = await PostAsync(http, body, gzip: true);
        var detail = await DetailAsync(conflict);
        var queuedWhileClaimed = (await QueueReader.DrainAsync(fixture.Storage, IngestAppFixture.AllQueues)).Count(q => q.Device == device);
        var after = await PostUntilOkAsync(http, body);
        // The batch's seqs are recorded RecordDelay (50 ms) after its answer, when no next batch of the device came.
        await Eventually.UntilAsync(async () => (await store.GetAsync(device, epoch, default))?.State.ClaimId is null, TimeSpan.FromSeconds(10));
        var stored = await store.GetAsync(device, epoch, default);

        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), conflict.Headers.RetryAfter?.Delta);
        Assert.Contains($"seqs 1-50 for device '{device}'", detail, StringComparison.Ordinal);
        Assert.Equal(0, queuedWhileClaimed);
        Assert.Equal((10, 0, 10L), (after.Accepted, after.Duplicates, after.Watermark));
        Assert.Equal(Hybrid.Functions.Ingest.WatermarkState.Settled(Hybrid.Functions.Ingest.DeliveryLedger.Through(10)), stored!.State);
        Assert.True(TimeProvider.System.GetUtcNow() >= expires);
        Assert.Contains("taking over expired claim someone-else", fixture.AppA.Output, StringComparison.Ordinal);
    }
}
