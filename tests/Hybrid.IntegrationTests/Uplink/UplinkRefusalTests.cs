using Hybrid.Edge.Store;
using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Uplink;

/// <summary>
/// What the real Function refuses: a bad item is dead-lettered alone with the Function's reason (from its 200 answer
/// or, for a body it cannot parse, by splitting the 400 batch down to the item), and a 413 batch is split until it fits.
/// </summary>
[Collection(UplinkServices.Name)]
public sealed class UplinkRefusalTests(UplinkFixture fixture)
{
    [Fact]
    public async Task Batch_OneItemStampedADayAhead_ThatItemDeadLetteredWithTheFunctionsReasonAndTheRestDelivered()
    {
        const long BadSeq = 57;
        var device = UplinkAgent.NewDevice("skew");
        using var data = new TempDirectory("uplink-skew");
        var tomorrow = TimeProvider.System.GetUtcNow().AddDays(1);
        await StoreSeeder.WriteAsync(device, data.Path, StoreSeeder.Numbered(200)
            .Select((r, i) => i + 1 == BadSeq ? r with { Ts = tomorrow } : r));

        var (final, queued, _) = await DrainAsync(device, data, fixture.IngestUrl);

        var deadLetter = Assert.Single(final.DeadLetters);
        Assert.Equal((StoreSnapshot.Sink, Lane.Normal, BadSeq), (deadLetter.Sink, deadLetter.Lane, deadLetter.Seq));
        Assert.StartsWith("uplink: rejected by the Function: ts ", deadLetter.Reason, StringComparison.Ordinal);
        Assert.Contains("(Hybrid:Ingest:MaxTimestampLead)", deadLetter.Reason, StringComparison.Ordinal);

        // The Function put the refused item on its rejected queue with the same reason; the rest went out once.
        var rejected = Assert.Single(queued, q => q.Queue == UplinkFixture.RejectedQueue);
        Assert.Equal(BadSeq, rejected.Seq);
        Assert.EndsWith(rejected.Reason!, deadLetter.Reason, StringComparison.Ordinal);
        var delivered = queued.Where(q => q.Queue != UplinkFixture.RejectedQueue).ToList();
        var report = DeliveryReport.Compare(final.Written().Where(w => w.Seq != BadSeq), delivered);
        Assert.True(report is { Missing.Count: 0, Duplicates: 0, Unexpected.Count: 0 }, report.ToString());
    }

    [Fact]
    public async Task DeadLetterRetry_FromTheCliWhileTheAgentRuns_SinkPostsItAgainAndARefusalKeepsItWithTheNewAnswer()
    {
        const long BadSeq = 12;
        var device = UplinkAgent.NewDevice("retry");
        using var data = new TempDirectory("uplink-retry");
        var tomorrow = TimeProvider.System.GetUtcNow().AddDays(1);
        await StoreSeeder.WriteAsync(device, data.Path, StoreSeeder.Numbered(20).Select((r, i) => i + 1 == BadSeq ? r with { Ts = tomorrow } : r));
        var settings = UplinkAgent.Settings(device, data.Path, fixture.IngestUrl, UplinkFixture.FunctionKey);
        await using var agent = await UplinkAgent.StartAsync(settings);
        await StoreSnapshot.WaitUntilAsync(data.Path, s => s.Drained && s.DeadLetters.Count == 1, UplinkAgent.Timeout, () => agent.Output);

        await using (var cli = ChildProcess.Start(RepositoryPaths.EdgeAgent, ["deadletter", "retry", "--sink", "uplink", "--from", "12", "--to", "12"], settings))
        {
            Assert.Equal(0, await cli.WaitForExitAsync(UplinkAgent.Timeout));
            Assert.Contains("marked 1 dead letters for retry", cli.Output, StringComparison.Ordinal);
        }

        // The running agent's sink looks within its poll interval; the Function still refuses the reading's ts.
        await agent.WaitForOutputAsync($"uplink: retried dead letter normal seq {BadSeq} (telemetry.seed) refused again", UplinkAgent.Timeout);
        await UplinkAgent.StopAsync(agent);
        var deadLetter = Assert.Single(StoreSnapshot.Read(data.Path).DeadLetters);
        Assert.Equal(BadSeq, deadLetter.Seq);
        Assert.StartsWith("uplink: rejected by the Function: ts ", deadLetter.Reason, StringComparison.Ordinal);
        // Refused twice, but on the rejected queue once: the Function's dedupe covers its rejected items too.
        var queued = await fixture.DrainAsync(device);
        Assert.Single(queued, q => q.Queue == UplinkFixture.RejectedQueue && q.Seq == BadSeq);
        await using var list = ChildProcess.Start(RepositoryPaths.EdgeAgent, ["deadletter", "list"], settings);
        Assert.Equal(0, await list.WaitForExitAsync(UplinkAgent.Timeout));
        Assert.DoesNotContain("[retry pending]", list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_OneItemNestedBeyondTheParsersDepth_SplitDownToThatItemWhichAloneIsDeadLetteredWithThe400Detail()
    {
        const long BadSeq = 40;
        var device = UplinkAgent.NewDevice("deep");
        using var data = new TempDirectory("uplink-deep");
        var tooDeep = new string('[', 70) + "1" + new string(']', 70);
        await StoreSeeder.WriteAsync(device, data.Path, StoreSeeder.Numbered(100)
            .Select((r, i) => i + 1 == BadSeq ? StoreSeeder.Reading("telemetry.seed", tooDeep) : r));

        var (final, queued, log) = await DrainAsync(device, data, fixture.IngestUrl);

        var deadLetter = Assert.Single(final.DeadLetters);
        Assert.Equal((StoreSnapshot.Sink, Lane.Normal, BadSeq), (deadLetter.Sink, deadLetter.Lane, deadLetter.Seq));
        Assert.StartsWith("uplink: HTTP 400: The body is not a valid batch: ", deadLetter.Reason, StringComparison.Ordinal);
        Assert.Contains("depth", deadLetter.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("uplink: HTTP 400 for normal batch seq 1..100 (100 readings)", log, StringComparison.Ordinal);

        // A 400 enqueues nothing, so the bad item is nowhere in the queues, and every other one is there once.
        var report = DeliveryReport.Compare(final.Written().Where(w => w.Seq != BadSeq), queued);
        Assert.True(report is { Missing.Count: 0, Duplicates: 0, Unexpected.Count: 0 }, report.ToString());
    }

    [Fact]
    public async Task Batches_LargerThanTheFunctionsBodyLimit_SplitUntilTheyFitAndOnlyAReadingTooLargeAloneIsDeadLettered()
    {
        const int Count = 600;
        const long HugeSeq = 300;
        var device = UplinkAgent.NewDevice("big");
        using var data = new TempDirectory("uplink-big");

        // Random padding barely compresses: a batch of 600 gzips to far more than 4 KiB, a few dozen readings fit,
        // and one reading of 12,000 random hex characters does not fit even alone.
        await StoreSeeder.WriteAsync(device, data.Path, StoreSeeder.Numbered(Count, padding: 200)
            .Select((r, i) => i + 1 == HugeSeq ? StoreSeeder.Numbered(1, padding: 12_000).Single() : r));
        var settings = fixture.FunctionSettings();
        settings["Hybrid__Ingest__MaxBodyBytes"] = "4096";
        await using var small = await FunctionAppServer.StartAsync(settings);

        var (final, queued, log) = await DrainAsync(device, data, UplinkFixture.IngestUrlOf(small));

        Assert.Contains($"uplink: HTTP 413 for normal batch seq 1..{Count} ({Count} readings)", log, StringComparison.Ordinal);
        var deadLetter = Assert.Single(final.DeadLetters);
        Assert.Equal((StoreSnapshot.Sink, Lane.Normal, HugeSeq), (deadLetter.Sink, deadLetter.Lane, deadLetter.Seq));
        Assert.StartsWith("uplink: HTTP 413: ", deadLetter.Reason, StringComparison.Ordinal);
        Assert.Contains("Hybrid:Ingest:MaxBodyBytes", deadLetter.Reason, StringComparison.Ordinal);
        Assert.Equal(Count, final.LastSeqs[Lane.Normal]);
        var report = DeliveryReport.Compare(final.Written().Where(w => w.Seq != HugeSeq), queued);
        Assert.True(report is { Missing.Count: 0, Duplicates: 0, Unexpected.Count: 0 }, report.ToString());
    }

    /// <summary>Runs the agent on the seeded store until the uplink has settled everything, stops it, and drains the queues.</summary>
    private async Task<(StoreSnapshot Final, List<Ingest.QueuedItem> Queued, string Log)> DrainAsync(string device, TempDirectory data, Uri ingestUrl)
    {
        var settings = UplinkAgent.Settings(device, data.Path, ingestUrl, UplinkFixture.FunctionKey);
        await using var agent = await UplinkAgent.StartAsync(settings);
        await StoreSnapshot.WaitUntilAsync(data.Path, s => s.Drained, UplinkAgent.Timeout, () => agent.Output);
        await UplinkAgent.StopAsync(agent);
        return (StoreSnapshot.Read(data.Path), await fixture.DrainAsync(device), agent.Output);
    }
}
