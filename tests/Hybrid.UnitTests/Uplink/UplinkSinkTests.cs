using System.Net;
using Hybrid.Contracts;
using Hybrid.Edge.Sinks;
using Hybrid.Edge.Store;
using Hybrid.Testing;
using Microsoft.Data.Sqlite;

namespace Hybrid.UnitTests.Uplink;

/// <summary>The uplink's response rules on a real store: what advances, what is dead-lettered, what is held.</summary>
public sealed class UplinkSinkTests
{
    [Fact]
    public async Task Drain_FunctionAcceptsEverything_CursorReachesHeadAndEachSeqIsPostedOnceInOrder()
    {
        await using var uplink = new UplinkHarness(ScriptedIngestHandler.Accept, o => o.MaxBatchItems = 7);
        await uplink.WriteAsync(30);

        uplink.Start();
        await uplink.UntilCursorAsync(Lane.Normal, 30);

        var posts = uplink.Handler.Posts.ToArray();
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), posts.SelectMany(p => p.Seqs));
        Assert.All(posts, p => Assert.True(p.Batch.Messages.Count <= 7));
        Assert.All(posts, p => Assert.Equal("secret-key", p.Key));
        Assert.All(posts, p => Assert.Equal(uplink.Log.GetEpoch(Lane.Normal), p.Batch.Epoch));
        Assert.All(posts, p => Assert.Equal("pi-test", p.Batch.Device));
        Assert.Equal(30, uplink.Status.Accepted);
        Assert.Equal(5, uplink.Status.Batches);
        Assert.Empty(DeadLetters(uplink));
        Assert.Null(posts[0].Batch.SettledThrough);
        Assert.Equal(28, posts[^1].Batch.SettledThrough);
        AssertSettledThroughCoversOnlyAnsweredSeqs(posts, _ => true);
    }

    [Fact]
    public async Task Drain_BothLanes_HighLaneIsPostedFirstWithItsOwnEpoch()
    {
        await using var uplink = new UplinkHarness(ScriptedIngestHandler.Accept);
        await uplink.WriteAsync(5);
        await uplink.WriteAsync(3, type: "alert.smoke");

        uplink.Start();
        await uplink.UntilCursorAsync(Lane.Normal, 5);
        await uplink.UntilCursorAsync(Lane.High, 3);

        var posts = uplink.Handler.Posts.ToArray();
        Assert.Equal(2, posts.Length);
        Assert.Equal(uplink.Log.GetEpoch(Lane.High), posts[0].Batch.Epoch);
        Assert.All(posts[0].Batch.Messages, m => Assert.Equal("alert.smoke", m.Type));
        Assert.Equal(uplink.Log.GetEpoch(Lane.Normal), posts[1].Batch.Epoch);
        Assert.NotEqual(posts[0].Batch.Epoch, posts[1].Batch.Epoch);
    }

    [Fact]
    public async Task Drain_AlertArrivesWhileANormalBatchIsOnTheWire_AlertGoesBeforeThePreparedNormalBatch()
    {
        await using var uplink = new UplinkHarness(ScriptedIngestHandler.Accept, o => o.MaxBatchItems = 10);
        // The first batch stays on the wire until the alert is stored (a fixed delay lost that race on a loaded machine).
        var alertStored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        uplink.Handler.AnswerGate = alertStored.Task;
        await uplink.WriteAsync(20);

        uplink.Start();
        await Hybrid.Testing.Eventually.UntilAsync(() => !uplink.Handler.Posts.IsEmpty, TimeSpan.FromSeconds(20));
        await uplink.WriteAsync(1, type: "alert.smoke");
        alertStored.SetResult();
        await uplink.UntilCursorAsync(Lane.Normal, 20);
        await uplink.UntilCursorAsync(Lane.High, 1);

        var posts = uplink.Handler.Posts.ToArray();
        Assert.Equal(3, posts.Length);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), posts[0].Seqs);
        Assert.Equal(uplink.Log.GetEpoch(Lane.High), posts[1].Batch.Epoch);
        Assert.Equal(Enumerable.Range(11, 10).Select(i => (long)i), posts[2].Seqs);
    }

    [Fact]
    public async Task Drain_PreparationThreadGetsNoCpu_UplinkPreparesEachBatchItselfAndPostsEachSeqOnceInOrder()
    {
        using var starved = new HeldPreparer();
        await using var uplink = new UplinkHarness(ScriptedIngestHandler.Accept, o => o.MaxBatchItems = 10, () => starved);
        await uplink.WriteAsync(50);

        uplink.Start();
        await uplink.UntilCursorAsync(Lane.Normal, 50);

        // One preparation was handed over and abandoned; none was queued behind it while it could not run.
        Assert.Equal(1, starved.Started);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), uplink.Handler.Posts.SelectMany(p => p.Seqs));

        // Released late, the abandoned preparation was cancelled: it reads and posts nothing, and the uplink prefetches again.
        starved.Release();
        await starved.FinishedAsync();
        await uplink.WriteAsync(30);
        await uplink.UntilCursorAsync(Lane.Normal, 80);
        Assert.Equal(Enumerable.Range(1, 80).Select(i => (long)i), uplink.Handler.Posts.SelectMany(p => p.Seqs));
        Assert.True(starved.Started > 1, $"{starved.Started} preparations handed over");
    }

    [Fact]
    public async Task Drain_FunctionRejectsOneItem_ItIsDeadLetteredWithTheReasonAndTheRestAdvances()
    {
        await using var uplink = new UplinkHarness(post => ScriptedIngestHandler.Ok(post.Seqs.Length - 1, 0, [new RejectedItem(3, "ts is 40 days old")]));
        await uplink.WriteAsync(5);

        uplink.Start();
        await uplink.UntilCursorAsync(Lane.Normal, 5);

        Assert.Equal([(3L, "uplink: rejected by the Function: ts is 40 days old")], DeadLetters(uplink));
        Assert.Equal(1, uplink.Status.DeadLettered);
        Assert.Equal(4, uplink.Status.Accepted);
    }

    [Fact]
    public async Task Drain_AnswerDoesNotAccountForEveryItem_BatchIsSentAgainNotAdvanced()
    {
        var answers = 0;
        await using var uplink = new UplinkHarness(post => Interlocked.Increment(ref answers) == 1
            ? ScriptedIngestHandler.Ok(post.Seqs.Length - 2, 0, [])
            : ScriptedIngestHandler.Accept(post));
        await uplink.WriteAsync(10);

        uplink.Start();
        await uplink.UntilCursorAsync(Lane.Normal, 10);

        var posts = uplink.Handler.Posts.ToArray();
        Assert.Equal(2, posts.Length);
        Assert.Equal(posts[0].Seqs, posts[1].Seqs);
        Assert.Equal(1, uplink.Status.Retries);
        Assert.Contains("accounting for 8 items", uplink.Status.LastError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.Conflict)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.BadGateway)]
    public async Task Drain_TransientStatus_SameBatchIsRetriedUntilAccepted(HttpStatusCode status)
    {
        var answers = 0;
        await using var uplink = new UplinkHarness(post => Interlocked.Increment(ref answers) <= 3
            ? ScriptedIngestHandler.Problem(status, "busy")
            : ScriptedIngestHandler.Accept(post));
        await uplink.WriteAsync(4);

        uplink.Start();
        await uplink.UntilCursorAsync(Lane.Normal, 4);

        var posts = uplink.Handler.Posts.ToArray();
        Assert.Equal(4, posts.Length);
        Assert.All(posts, p => Assert.Equal([1L, 2, 3, 4], p.Seqs));
        Assert.Equal(3, uplink.Status.Retries);
        Assert.Empty(DeadLetters(uplink));
    }

    [Fact]
    public async Task Drain_TooLargeAbove4Items_BatchIsSplitUntilItFitsAndEverySeqSettledOnce()
    {
        await using var uplink = new UplinkHarness(post => post.Seqs.Length > 4
            ? ScriptedIngestHandler.Problem(HttpStatusCode.RequestEntityTooLarge, "body over 4 MiB")
            : ScriptedIngestHandler.Accept(post));
        await uplink.WriteAsync(20);

        uplink.Start();
        await uplink.UntilCursorAsync(Lane.Normal, 20);

        var accepted = uplink.Handler.Posts.Where(p => p.Seqs.Length <= 4).SelectMany(p => p.Seqs).ToArray();
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), accepted);
        Assert.Equal(20, uplink.Status.Accepted);
        Assert.Empty(DeadLetters(uplink));
        AssertSettledThroughCoversOnlyAnsweredSeqs(uplink.Handler.Posts.ToArray(), p => p.Seqs.Length <= 4);
    }

    [Fact]
    public async Task RetriedDeadLetter_FunctionTakesItNow_PostedAloneWithoutSettledThroughAndNoLongerADeadLetter()
    {
        await using var uplink = new UplinkHarness(post => post.Seqs.Length > 1
            ? ScriptedIngestHandler.Ok(post.Seqs.Length - 1, 0, [new RejectedItem(3, "ts is 40 days old")])
            : ScriptedIngestHandler.Accept(post));
        await uplink.WriteAsync(5);
        uplink.Start();
        await uplink.UntilCursorAsync(Lane.Normal, 5);
        Assert.Single(DeadLetters(uplink));

        Assert.Equal((1, 0L), MarkForRetry(uplink));
        await Eventually.UntilAsync(() => DeadLetters(uplink).Count == 0, TimeSpan.FromSeconds(20), uplink.Describe);

        var retried = uplink.Handler.Posts.Last();
        Assert.Equal([3L], retried.Seqs);
        Assert.Null(retried.Batch.SettledThrough);
        Assert.Equal(5, uplink.Status.Accepted);
        // Logged just after the store settles it, so not necessarily yet when the dead letter is gone.
        await Eventually.UntilAsync(
            () => uplink.Logger.Entries.Any(e => e.Message.Contains("retried dead letter normal seq 3 (telemetry.temperature) delivered", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10),
            uplink.Describe);
    }

    [Fact]
    public async Task RetriedDeadLetter_FunctionCallsItADuplicate_StaysADeadLetterSayingTheFunctionSettledIt()
    {
        await using var uplink = new UplinkHarness(post => post.Seqs.Length > 1
            ? ScriptedIngestHandler.Ok(post.Seqs.Length - 1, 0, [new RejectedItem(3, "ts is 40 days old")])
            : ScriptedIngestHandler.Ok(0, 1, []));
        await uplink.WriteAsync(5);
        uplink.Start();
        await uplink.UntilCursorAsync(Lane.Normal, 5);

        MarkForRetry(uplink);
        await Eventually.UntilAsync(() => uplink.Handler.Posts.Count == 2 && !ListDeadLetters(uplink).Single().RetryPending, TimeSpan.FromSeconds(20), uplink.Describe);

        var dead = ListDeadLetters(uplink).Single();
        Assert.Equal(3, dead.Seq);
        Assert.Contains("the Function had already settled seq 3", dead.Reason, StringComparison.Ordinal);
        await Task.Delay(DeadLetterRetries.PollInterval + TimeSpan.FromSeconds(1));
        Assert.Equal(2, uplink.Handler.Posts.Count);
    }

    private static (int Marked, long Unretriable) MarkForRetry(UplinkHarness uplink)
    {
        using var inspector = StoreInspector.Open(uplink.DatabasePath, readOnly: false);
        return inspector.RetryDeadLetters(new DeadLetterFilter("uplink", null, null, null, null))!.Value;
    }

    private static List<DeadLetterRecord> ListDeadLetters(UplinkHarness uplink)
    {
        using var inspector = StoreInspector.Open(uplink.DatabasePath, readOnly: true);
        return [.. inspector.ListDeadLetters(new DeadLetterFilter(null, null, null, null, null))];
    }

    /// <summary>A batch's <c>settledThrough</c> never names a seq the Function has not answered yet (it would close that gap).</summary>
    private static void AssertSettledThroughCoversOnlyAnsweredSeqs(PostedBatch[] posts, Func<PostedBatch, bool> answered)
    {
        var settled = new HashSet<long>();
        foreach (var post in posts)
        {
            var through = post.Batch.SettledThrough ?? 0;
            Assert.True(through < post.Seqs[0], $"settledThrough {through} covers the batch's own first seq {post.Seqs[0]}");
            Assert.All(Enumerable.Range(1, (int)through), seq => Assert.Contains(seq, settled));
            if (answered(post))
            {
                settled.UnionWith(post.Seqs);
            }
        }
    }

    [Fact]
    public async Task Drain_SingleItemStillTooLarge_ItAloneIsDeadLettered()
    {
        await using var uplink = new UplinkHarness(post => post.Seqs.Contains(2)
            ? ScriptedIngestHandler.Problem(HttpStatusCode.RequestEntityTooLarge, "body over 4 MiB")
            : ScriptedIngestHandler.Accept(post));
        await uplink.WriteAsync(3);

        uplink.Start();
        await uplink.UntilCursorAsync(Lane.Normal, 3);

        Assert.Equal([(2L, "uplink: HTTP 413: HTTP 413: body over 4 MiB")], DeadLetters(uplink));
        Assert.Equal(2, uplink.Status.Accepted);
    }

    [Fact]
    public async Task Drain_BadRequestCausedByOneItem_SplitFindsItAndDeadLettersOnlyItWithTheDetail()
    {
        await using var uplink = new UplinkHarness(post => post.Seqs.Contains(6)
            ? ScriptedIngestHandler.Problem(HttpStatusCode.BadRequest, "$.messages[5].payload: nesting deeper than 64")
            : ScriptedIngestHandler.Accept(post));
        await uplink.WriteAsync(9);

        uplink.Start();
        await uplink.UntilCursorAsync(Lane.Normal, 9);

        var (seq, reason) = Assert.Single(DeadLetters(uplink));
        Assert.Equal(6, seq);
        Assert.Contains("nesting deeper than 64", reason, StringComparison.Ordinal);
        Assert.Equal(8, uplink.Status.Accepted);
        Assert.True(uplink.Status.Splits >= 3);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "Hybrid:Uplink:FunctionKey")]
    [InlineData(HttpStatusCode.Forbidden, "Hybrid:Uplink:FunctionKey")]
    [InlineData(HttpStatusCode.NotFound, "Hybrid:Uplink:Url")]
    [InlineData(HttpStatusCode.MethodNotAllowed, "Hybrid:Uplink:Url")]
    public async Task Drain_SettingRefused_HoldsWithoutAdvancingOrDeadLetteringThenResumesWhenFixed(HttpStatusCode status, string setting)
    {
        var fixedNow = false;
        await using var uplink = new UplinkHarness(post => Volatile.Read(ref fixedNow) ? ScriptedIngestHandler.Accept(post) : ScriptedIngestHandler.Status(status));
        await uplink.WriteAsync(6);

        uplink.Start();
        await Hybrid.Testing.Eventually.UntilAsync(() => uplink.Handler.Posts.Count >= 3, TimeSpan.FromSeconds(20));

        Assert.Equal(0, uplink.Log.GetCursor(Lane.Normal));
        Assert.Empty(DeadLetters(uplink));
        Assert.Contains(setting, uplink.Status.Held, StringComparison.Ordinal);
        Assert.Equal(1, uplink.Logger.Entries.Count(e => e.Id == 3005));
        Assert.Contains(uplink.Logger.Entries, e => e.Id == 3005 && e.Message.Contains(setting, StringComparison.Ordinal));

        Volatile.Write(ref fixedNow, true);
        await uplink.UntilCursorAsync(Lane.Normal, 6);

        Assert.Null(uplink.Status.Held);
        Assert.Contains(uplink.Logger.Entries, e => e.Id == 3006);
        Assert.Empty(DeadLetters(uplink));
    }

    [Fact]
    public async Task Drain_BadRequestWithoutProblemDetail_HoldsInsteadOfDeadLettering()
    {
        await using var uplink = new UplinkHarness(_ => ScriptedIngestHandler.Status(HttpStatusCode.BadRequest));
        await uplink.WriteAsync(2);

        uplink.Start();
        await Hybrid.Testing.Eventually.UntilAsync(() => uplink.Handler.Posts.Count >= 2, TimeSpan.FromSeconds(20));

        Assert.Equal(0, uplink.Log.GetCursor(Lane.Normal));
        Assert.Empty(DeadLetters(uplink));
        Assert.Contains("Hybrid:Uplink:Url", uplink.Status.Held, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drain_PartialBatchWithLinger_WaitsForMoreReadingsThenSendsThemTogether()
    {
        await using var uplink = new UplinkHarness(ScriptedIngestHandler.Accept, o =>
        {
            o.Linger = TimeSpan.FromSeconds(2);
            o.MaxBatchItems = 10;
        });
        await uplink.WriteAsync(3);

        uplink.Start();
        await Task.Delay(300);
        await uplink.WriteAsync(7);
        await uplink.UntilCursorAsync(Lane.Normal, 10);

        // The 3 waited for the 7 because 10 make a full batch: one request, not two.
        var post = Assert.Single(uplink.Handler.Posts);
        Assert.Equal(10, post.Seqs.Length);
    }

    [Fact]
    public async Task Drain_KeyIsNeverInTheLog()
    {
        await using var uplink = new UplinkHarness(_ => ScriptedIngestHandler.Status(HttpStatusCode.Unauthorized));
        await uplink.WriteAsync(1);

        uplink.Start();
        await Hybrid.Testing.Eventually.UntilAsync(() => uplink.Handler.Posts.Count >= 2, TimeSpan.FromSeconds(20));

        Assert.NotEmpty(uplink.Logger.Entries);
        Assert.DoesNotContain(uplink.Logger.Entries, e => e.Message.Contains("secret-key", StringComparison.Ordinal));
        Assert.DoesNotContain("secret-key", uplink.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_WhileWaitingToRetry_ReturnsAtOnceWithNothingAdvanced()
    {
        await using var uplink = new UplinkHarness(_ => ScriptedIngestHandler.Status(HttpStatusCode.ServiceUnavailable), o =>
        {
            o.RetryMin = TimeSpan.FromSeconds(30);
            o.RetryMax = TimeSpan.FromSeconds(60);
        });
        await uplink.WriteAsync(3);
        uplink.Start();
        await Hybrid.Testing.Eventually.UntilAsync(() => !uplink.Handler.Posts.IsEmpty, TimeSpan.FromSeconds(20));

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await uplink.StopAsync();

        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"stop took {stopping.Elapsed}");
        Assert.Single(uplink.Handler.Posts);
        Assert.Equal(0, uplink.Log.GetCursor(Lane.Normal));
    }

    [Fact]
    public async Task Stop_WhileAPostIsOnTheWire_WaitsForTheAnswerAndSavesIt()
    {
        await using var uplink = new UplinkHarness(ScriptedIngestHandler.Accept);
        uplink.Handler.AnswerDelay = TimeSpan.FromMilliseconds(800);
        await uplink.WriteAsync(3);
        uplink.Start();
        await Hybrid.Testing.Eventually.UntilAsync(() => !uplink.Handler.Posts.IsEmpty, TimeSpan.FromSeconds(20));

        await uplink.StopAsync();

        Assert.Equal(3, uplink.Log.GetCursor(Lane.Normal));
        Assert.Single(uplink.Handler.Posts);
    }

    private static List<(long Seq, string Reason)> DeadLetters(UplinkHarness uplink)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = uplink.DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, reason FROM dead_letters WHERE sink = 'uplink' ORDER BY seq";
        using var reader = command.ExecuteReader();
        var rows = new List<(long, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return rows;
    }
}
