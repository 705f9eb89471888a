using FsCheck.Xunit;
using Hybrid.Contracts;
using Hybrid.Functions.Ingest;
using Microsoft.Extensions.Time.Testing;
using static Hybrid.UnitTests.Ingest.IngestTestData;

namespace Hybrid.UnitTests.Ingest;

/// <summary>
/// Two instances on one Table entity, batches of any seqs in any order, two at a time, queue sends failing part-way,
/// and every batch answered 409 or 503 posted again at the end: the queues hold every seq posted, each exactly once.
/// (Sends one at a time, so a failure leaves an exact prefix; with parallel sends a failure may re-send a few items,
/// the documented at-least-once case.)
/// </summary>
public sealed class IngestOrderProperties
{
    [Property(MaxTest = 60, StartSize = 4, EndSize = 40)]
    public bool AnyInterleaving_OfBatchesFailuresAndRetries_EnqueuesEverySeqExactlyOnce((byte Start, byte Length, byte Failure)[] posts) =>
        RunAsync(posts ?? []).GetAwaiter().GetResult();

    /// <summary>
    /// Lets the fake clock run until <paramref name="work"/> is done: an instance waits for the other's live claim, and
    /// parked seqs are recorded when their delay passes.
    /// </summary>
    private static Task<T> WhileTimePassesAsync<T>(FakeTimeProvider time, Task<T> work) => time.RunUntilDoneAsync(work, 10_000, TimeSpan.FromMilliseconds(1));

    private static async Task<bool> RunAsync((byte Start, byte Length, byte Failure)[] posts)
    {
        using var processors = new TestProcessors();
        var store = new InMemoryWatermarkStore();
        var queues = new RecordingQueues();
        var time = new FakeTimeProvider(Now);
        IngestProcessor Instance() => processors.Create(store, queues, time, new IngestOptions { MaxParallelSends = 1 }, new RoutingOptions { Packing = PackingMode.Single });
        IngestProcessor[] instances = [Instance(), Instance()];

        var posted = new HashSet<long>();
        var unanswered = new List<IngestBatch>();
        for (var i = 0; i < posts.Length; i += 2)
        {
            var pair = posts.Skip(i).Take(2).Select(p =>
            {
                var first = (p.Start % 60) + 1;
                var seqs = Enumerable.Range(first, (p.Length % 15) + 1).Select(s => (long)s).ToList();
                posted.UnionWith(seqs);
                return (Batch: Batch("pi", seqs), p.Failure);
            }).ToList();

            // Some steps fail the queue after a few more sends.
            queues.FailAfter = pair[0].Failure % 3 == 0 ? queues.Sends + (pair[0].Failure % 7) : int.MaxValue;
            var results = await WhileTimePassesAsync(time, Task.WhenAll(pair.Select((p, n) => instances[n].ProcessAsync(p.Batch, default))));
            unanswered.AddRange(pair.Where((_, n) => results[n].Response is null).Select(p => p.Batch));
        }

        queues.FailAfter = int.MaxValue;
        foreach (var batch in unanswered)
        {
            for (var attempt = 0; (await WhileTimePassesAsync(time, instances[attempt % 2].ProcessAsync(batch, default))).Response is null; attempt++)
            {
                if (attempt == 10)
                {
                    throw new InvalidOperationException("a batch was never answered 200 once nothing failed");
                }
            }
        }

        var enqueued = queues.Seqs();
        if (enqueued.Count != enqueued.Distinct().Count())
        {
            throw new InvalidOperationException($"enqueued twice: {string.Join(',', enqueued.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => g.Key))}");
        }

        return enqueued.ToHashSet().SetEquals(posted)
            ? true
            : throw new InvalidOperationException($"missing: {string.Join(',', posted.Except(enqueued))}");
    }
}
