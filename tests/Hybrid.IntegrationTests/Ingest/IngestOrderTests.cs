using static Hybrid.IntegrationTests.Ingest.IngestHttp;

namespace Hybrid.IntegrationTests.Ingest;

/// <summary>
/// Clients that do not send one batch at a time in seq order (a gateway posting batches as they fill, two uploaders
/// sharing a device id, a retry queue resending an old batch): nothing is lost or doubled, across two instances.
/// </summary>
[Collection(IngestServices.Name)]
public sealed class IngestOrderTests(IngestAppFixture fixture)
{
    [Fact]
    public async Task TwentyBatchesOfAThousandPostedAllAtOnceInRandomOrderToTwoInstances_EverySeqQueuedExactlyOnce()
    {
        var (device, epoch) = (NewDevice(), NewEpoch());
        var seed = Environment.TickCount;
        var order = Enumerable.Range(0, 20).ToArray();
        new Random(seed).Shuffle(order);
        using var a = Client(fixture.AppA.BaseAddress);
        using var b = Client(fixture.AppB.BaseAddress);

        // Every batch at once, half to each instance; 409 (a turn not come in time, or the other instance's claim) and
        // 503 are retried after Retry-After, like the edge.
        var responses = await Task.WhenAll(order.Select((batch, i) =>
            PostUntilOkAsync(i % 2 == 0 ? a : b, Batch(device, epoch, Enumerable.Range((batch * 1000) + 1, 1000).Select(s => (long)s)), TimeSpan.FromSeconds(120))));
        var queued = (await QueueReader.DrainAsync(fixture.Storage, IngestAppFixture.AllQueues)).Where(q => q.Device == device).ToList();

        var context = $"seed {seed}, order {string.Join(',', order)}";
        Assert.True(responses.Sum(r => r.Accepted) == 20_000, $"accepted {responses.Sum(r => r.Accepted)}; {context}");
        // Each batch was posted once and answered 200 once: none of its items can have been enqueued before.
        Assert.True(responses.All(r => r.Duplicates == 0 && r.Rejected.Count == 0), context);
        Assert.Equal(Enumerable.Range(1, 20_000).Select(s => (long)s), queued.Select(q => q.Seq).Order());
        Assert.Equal(20_000L, responses.Max(r => r.Watermark));
    }

    [Fact]
    public async Task BatchResentAfterALaterBatchSucceeded_AllDuplicatesNothingEnqueuedTwice()
    {
        var (device, epoch) = (NewDevice(), NewEpoch());
        using var http = Client(fixture.AppA.BaseAddress);
        var early = Batch(device, epoch, Enumerable.Range(1, 100).Select(s => (long)s));
        var later = Batch(device, epoch, Enumerable.Range(301, 100).Select(s => (long)s));

        await PostUntilOkAsync(http, later);
        var first = await PostUntilOkAsync(http, early);
        var resent = await PostUntilOkAsync(http, early);
        using var other = Client(fixture.AppB.BaseAddress);
        var resentElsewhere = await PostUntilOkAsync(other, later);
        var queued = (await QueueReader.DrainAsync(fixture.Storage, IngestAppFixture.AllQueues)).Where(q => q.Device == device).ToList();

        Assert.Equal((100, 0), (first.Accepted, first.Duplicates));
        Assert.Equal((0, 100), (resent.Accepted, resent.Duplicates));
        Assert.Equal((0, 100), (resentElsewhere.Accepted, resentElsewhere.Duplicates));
        Assert.Equal(Enumerable.Range(1, 100).Concat(Enumerable.Range(301, 100)).Select(s => (long)s), queued.Select(q => q.Seq).Order());
    }

    [Fact]
    public async Task HundredBatchesWithAHoleBetweenEach_OldestHolesCloseCountedAndLoggedAndALateSeqThereIsRefusedAsLate()
    {
        var (device, epoch) = (NewDevice(), NewEpoch());
        using var http = Client(fixture.AppA.BaseAddress);

        // Batch i holds seqs 10i+1 .. 10i+9: seq 10i+10 is a hole. The first batch's range joins the watermark; the
        // other 99 stay open ranges until more than the 64 allowed are open, so the 35 oldest holes close.
        var gapsClosed = 0;
        for (var i = 0; i < 100; i++)
        {
            var response = await PostUntilOkAsync(http, Batch(device, epoch, Enumerable.Range((10 * i) + 1, 9).Select(s => (long)s)));
            gapsClosed += response.GapsClosed ?? 0;
        }

        var late = await PostUntilOkAsync(http, Batch(device, epoch, [10L, 990L]));
        var queued = (await QueueReader.DrainAsync(fixture.Storage, IngestAppFixture.AllQueues)).Where(q => q.Device == device).Select(q => q.Seq).ToHashSet();

        Assert.Equal(35, gapsClosed);
        Assert.Contains($"Ingest {device}/{epoch}: closed 1 gaps (1 seqs never received)", fixture.AppA.Output, StringComparison.Ordinal);
        var refused = Assert.Single(late.Rejected);
        Assert.Equal(10, refused.Seq);
        Assert.StartsWith("late: seq 10 lies in a gap this Function closed", refused.Reason, StringComparison.Ordinal);
        Assert.Equal((1, 0), (late.Accepted, late.Duplicates));
        Assert.DoesNotContain(10L, queued);
        Assert.Contains(990L, queued);
        Assert.Equal(901, queued.Count);
    }
}
