using System.Diagnostics;
using System.Globalization;
using Hybrid.Contracts;
using Microsoft.Extensions.Options;

namespace Hybrid.Functions.Ingest;

/// <summary>
/// Validate → dedupe (claim) → fan out → advance the watermark, for one parsed batch.
/// <para>
/// Delivery: every item acknowledged as accepted is in its queue before the answer. Items are enqueued at least once:
/// a retry after a storage failure part-way through a request re-sends the items whose messages were not known sent,
/// and a claim that expires while its owner still sends (it stops at 80 % of <see cref="IngestOptions.ClaimDuration"/>)
/// lets the next request re-send them. Consumers can drop such duplicates by <c>(device, epoch, seq)</c>.
/// </para>
/// </summary>
internal sealed class IngestProcessor(
    WatermarkCoordinator coordinator,
    QueueFanOut fanOut,
    RouteTable routes,
    MessagePacker packer,
    IOptions<IngestOptions> options,
    TimeProvider time,
    ILogger<IngestProcessor> logger)
{
    private readonly BatchValidator _validator = new(options.Value.MaxTimestampAge, options.Value.MaxTimestampLead);

    public async Task<IngestResult> ProcessAsync(IngestBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var started = Stopwatch.GetTimestamp();
        var items = _validator.Check(batch.Messages, time.GetUtcNow());
        var maxSeq = 0L;
        var unordered = new List<PackItem>();
        foreach (var item in items)
        {
            if (item.Ordered)
            {
                maxSeq = item.Seq;
            }
            else
            {
                unordered.Add(new PackItem(item.Reading, item.Seq, item.Reason));
            }
        }

        try
        {
            // The request's storage work is bounded by the claim's budget whatever the storage retry settings allow:
            // it answers (200, 409 or 503) within about ClaimDuration. Not linked to the request's token after the
            // claim: see the sends below.
            using var budget = new CancellationTokenSource(options.Value.ClaimDuration, time);
            using var claiming = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);

            // A repeated batch is answered from the coordinator's cache without a storage call.
            var claim = await coordinator.ClaimAsync(batch.Device, batch.Epoch, maxSeq, claiming.Token).ConfigureAwait(false);

            if (claim.Outcome == ClaimOutcome.Busy)
            {
                Log.ClaimBusy(logger, batch.Device, batch.Epoch, claim.Watermark, claim.ClaimThrough);
                return IngestResult.Fail(new IngestProblem(StatusCodes.Status409Conflict, string.Create(CultureInfo.InvariantCulture,
                    $"Another request is enqueueing seqs {claim.Watermark + 1}-{claim.ClaimThrough} of device '{batch.Device}' epoch {batch.Epoch}; retry after the Retry-After delay."),
                    options.Value.ConflictRetryAfter));
            }

            var watermark = claim.Watermark;
            var newItems = claim.Outcome == ClaimOutcome.Claimed
                ? items.Where(i => i.Ordered && i.Seq > watermark).ToList()
                : [];
            var messages = Pack(batch, newItems, unordered);
            // Stop sending well before the claim can be taken over: 20 % of ClaimDuration before it expires, counted from
            // the expiry actually written (the claim write itself may have taken retries).
            var sendTime = claim.Expires is { } expires
                ? expires - (options.Value.ClaimDuration * 0.2) - time.GetUtcNow()
                : options.Value.ClaimDuration * 0.8;
            // Not the request's token either: a client gone mid-send (an edge killed or timed out) would cut sends that
            // storage may already have taken, so the resent batch would be enqueued twice. The deadline bounds the work.
            using var deadline = new CancellationTokenSource(sendTime > TimeSpan.Zero ? sendTime : TimeSpan.FromTicks(1), time);
            var report = await fanOut.SendAsync(messages, deadline.Token).ConfigureAwait(false);
            if (!report.AllSent)
            {
                if (claim.Outcome == ClaimOutcome.Claimed)
                {
                    await coordinator.ReleaseAsync(batch.Device, batch.Epoch, claim, EnqueuedThrough(messages, report, claim.Watermark, maxSeq), budget.Token).ConfigureAwait(false);
                }

                if (StorageUnavailableException.IsOutage(report.Failure!.SourceException))
                {
                    return Unavailable(batch, report.Failure.SourceException, started);
                }

                report.Failure.Throw();
            }

            if (claim.Outcome == ClaimOutcome.Claimed)
            {
                try
                {
                    // Not the request's token: a client gone after everything was enqueued must not leave the claim
                    // blocking its device until it expires. The budget's: the sends stopped 20 % of ClaimDuration
                    // before the claim's expiry, which leaves at least that long for this write.
                    watermark = await coordinator.CompleteAsync(batch.Device, batch.Epoch, claim, maxSeq, budget.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (StorageUnavailableException.IsOutage(ex))
                {
                    // Everything is enqueued, so the answer is 200 all the same. The claim expires on its own; until a
                    // later request raises the watermark, a retry of this very batch would enqueue it again.
                    Log.CompleteFailed(logger, batch.Device, batch.Epoch, maxSeq, ex.Message);
                    watermark = maxSeq;
                }
            }

            var response = Respond(items, newItems.Count(i => i.IsValid), claim.Watermark, watermark);
            Log.Ingested(logger, batch.Device, batch.Epoch, items.Length, response.Accepted, response.Duplicates, response.Rejected.Count, response.Watermark,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return IngestResult.Ok(response);
        }
        catch (Exception ex) when (ex is StorageUnavailableException or HttpRequestException
            // The claim's budget ran out (not the client's token): storage is too slow to answer in time.
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return Unavailable(batch, ex, started);
        }
    }

    private List<OutgoingMessage> Pack(IngestBatch batch, List<CheckedItem> newItems, List<PackItem> unordered)
    {
        var prefix = QueueMessageWriter.Prefix(batch.Device, batch.Epoch);
        var byQueue = new Dictionary<string, List<PackItem>>(StringComparer.Ordinal);
        foreach (var item in newItems)
        {
            var queue = item.IsValid ? routes.Resolve(item.Reading!.Type) : routes.RejectedQueue;
            if (!byQueue.TryGetValue(queue, out var list))
            {
                byQueue[queue] = list = [];
            }

            list.Add(new PackItem(item.Reading, item.Seq, item.Reason));
        }

        var messages = new List<OutgoingMessage>();
        foreach (var (queue, list) in byQueue)
        {
            messages.AddRange(packer.Pack(queue, prefix, list));
        }

        // Lowest seqs first, so that after a failure part-way the enqueued prefix is as long as possible.
        messages.Sort(static (a, b) => a.MinSeq.CompareTo(b.MinSeq));

        // Out-of-order rejections are outside the claimed range (no dedupe); MaxValue keeps them out of the prefix.
        foreach (var message in packer.Pack(routes.RejectedQueue, prefix, unordered))
        {
            messages.Add(message with { MinSeq = long.MaxValue });
        }

        return messages;
    }

    /// <summary>The highest seq below which every claimed item is known enqueued.</summary>
    internal static long EnqueuedThrough(IReadOnlyList<OutgoingMessage> messages, SendReport report, long claimBase, long maxSeq)
    {
        var lowestFailed = long.MaxValue;
        for (var i = 0; i < messages.Count; i++)
        {
            if (!report.Sent[i] && messages[i].MinSeq != long.MaxValue)
            {
                lowestFailed = Math.Min(lowestFailed, messages[i].MinSeq);
            }
        }

        return lowestFailed == long.MaxValue ? maxSeq : Math.Max(claimBase, lowestFailed - 1);
    }

    private static IngestResponse Respond(CheckedItem[] items, int accepted, long claimBase, long watermark)
    {
        var duplicates = 0;
        var rejected = new List<RejectedItem>();
        foreach (var item in items)
        {
            if (!item.IsValid)
            {
                rejected.Add(new RejectedItem(item.Seq, item.Reason!));
            }
            else if (item.Seq <= claimBase)
            {
                duplicates++;
            }
        }

        return new IngestResponse { Accepted = accepted, Duplicates = duplicates, Rejected = rejected, Watermark = watermark };
    }

    private IngestResult Unavailable(IngestBatch batch, Exception ex, long started)
    {
        Log.StorageUnavailable(logger, batch.Device, batch.Epoch, ex.Message, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return IngestResult.Fail(new IngestProblem(StatusCodes.Status503ServiceUnavailable,
            "Storage is unavailable; nothing was acknowledged. Retry after the Retry-After delay.", options.Value.UnavailableRetryAfter));
    }
}
