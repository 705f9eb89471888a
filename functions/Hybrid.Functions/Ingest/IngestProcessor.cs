using System.Diagnostics;
using System.Globalization;
using Hybrid.Contracts;
using Microsoft.Extensions.Options;

namespace Hybrid.Functions.Ingest;

/// <summary>
/// Validate → wait for the device's turn in this instance → dedupe (claim the new seqs) → fan out → record them, for
/// one parsed batch.
/// <para>
/// Dedupe is exact for any arrival order (see <see cref="DeliveryLedger"/>): a seq is a duplicate only if it was
/// enqueued before; a seq inside a gap the Function closed is refused as late, never silently called a duplicate.
/// Delivery: every item acknowledged as accepted is in its queue before the answer. Items are enqueued at least once:
/// a retry after a storage failure part-way through a request re-sends the items whose messages were not known sent,
/// and a claim that expires while its owner still sends (it stops at 80 % of <see cref="IngestOptions.ClaimDuration"/>)
/// lets the next request re-send them. Consumers can drop such duplicates by <c>(device, epoch, seq)</c>.
/// </para>
/// </summary>
internal sealed class IngestProcessor(
    WatermarkCoordinator coordinator,
    DeviceGates gates,
    QueueFanOut fanOut,
    RouteTable routes,
    MessagePacker packer,
    IngestMetrics metrics,
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
        var ordered = new List<long>(items.Length);
        var unordered = new List<PackItem>();
        foreach (var item in items)
        {
            if (item.Ordered)
            {
                ordered.Add(item.Seq);
            }
            else
            {
                unordered.Add(new PackItem(item.Reading, item.Seq, item.Reason));
            }
        }

        // Requests of one device take turns here, so they need not race for the Table claim (409 is for other instances).
        using var turn = await gates.EnterAsync(batch.Device, batch.Epoch, options.Value.DeviceWait, cancellationToken).ConfigureAwait(false);
        if (turn is null)
        {
            Log.DeviceBusy(logger, batch.Device, batch.Epoch, options.Value.DeviceWait);
            return Conflict(batch, "Another request of this device and epoch is being handled");
        }

        try
        {
            // The request's storage work is bounded by the claim's budget whatever the storage retry settings allow:
            // it answers (200, 409 or 503) within about ClaimDuration of getting its turn.
            using var budget = new CancellationTokenSource(options.Value.ClaimDuration, time);
            using var claiming = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
            var claim = await coordinator.ClaimAsync(batch.Device, batch.Epoch, ordered, claiming.Token).ConfigureAwait(false);
            if (claim.Outcome == ClaimOutcome.Busy)
            {
                var seqs = string.Join(',', claim.Seqs);
                Log.ClaimBusy(logger, batch.Device, batch.Epoch, claim.Watermark, seqs);
                return Conflict(batch, $"Another request is enqueueing seqs {seqs}");
            }

            // Each item judged once against the ledger the claim was made on: what to send, and what to answer.
            var states = Array.ConvertAll(items, i => i.Ordered ? claim.Ledger.StateOf(i.Seq) : SeqState.New);
            var newItems = items.Where((item, index) => item.Ordered && states[index] == SeqState.New).ToList();
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
            var enqueued = report.AllSent ? claim.Seqs : EnqueuedSeqs(messages, report, claim.Seqs);
            DeliveryLedger? merged = null;
            if (claim.Confirmation is not null)
            {
                // The claim was written while sending: settle that first (storage down → 503 below, seqs kept parked).
                (var confirmed, var ledgerNow) = await coordinator.ConfirmAsync(batch.Device, batch.Epoch, claim, enqueued, budget.Token).ConfigureAwait(false);
                claim = confirmed ?? claim;
                merged = confirmed is null ? ledgerNow : null;
            }

            if (!report.AllSent)
            {
                if (claim.Outcome == ClaimOutcome.Claimed && merged is null)
                {
                    await coordinator.ReleaseAsync(batch.Device, batch.Epoch, claim, enqueued, budget.Token).ConfigureAwait(false);
                }

                if (StorageUnavailableException.IsOutage(report.Failure!.SourceException))
                {
                    return Unavailable(batch, report.Failure.SourceException, started);
                }

                report.Failure.Throw();
            }

            var ledger = merged ?? claim.Ledger;
            GapClosure closed = default;
            if (claim.Outcome == ClaimOutcome.Claimed && merged is null)
            {
                try
                {
                    // Not the request's token: a client gone after everything was enqueued must not leave the claim
                    // blocking its device until it expires. The budget's: the sends stopped 20 % of ClaimDuration
                    // before the claim's expiry, which leaves at least that long for this write.
                    (ledger, closed) = await coordinator.CompleteAsync(batch.Device, batch.Epoch, claim, batch.SettledThrough ?? 0, budget.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (StorageUnavailableException.IsOutage(ex))
                {
                    // Everything is enqueued, so the answer is 200 all the same. The claim expires on its own; until a
                    // later request records these seqs, a retry of this very batch would enqueue them again.
                    Log.CompleteFailed(logger, batch.Device, batch.Epoch, string.Join(',', claim.Seqs), ex.Message);
                }
            }

            if (closed.Gaps > 0)
            {
                Log.GapsClosed(logger, batch.Device, batch.Epoch, closed.Gaps, closed.Seqs, ledger.Watermark);
                metrics.GapsClosed(closed);
            }

            var response = Respond(items, states, newItems.Count(i => i.IsValid), ledger.Watermark, closed);
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

    private IngestResult Conflict(IngestBatch batch, string what) =>
        IngestResult.Fail(new IngestProblem(StatusCodes.Status409Conflict,
            $"{what} for device '{batch.Device}' epoch {batch.Epoch}; retry after the Retry-After delay.", options.Value.ConflictRetryAfter));

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

    /// <summary>The claimed seqs known enqueued: those below the lowest seq of any message not known sent.</summary>
    internal static List<SeqRange> EnqueuedSeqs(IReadOnlyList<OutgoingMessage> messages, SendReport report, IReadOnlyList<SeqRange> claimed)
    {
        var lowestFailed = long.MaxValue;
        for (var i = 0; i < messages.Count; i++)
        {
            if (!report.Sent[i] && messages[i].MinSeq != long.MaxValue)
            {
                lowestFailed = Math.Min(lowestFailed, messages[i].MinSeq);
            }
        }

        return [.. claimed.Where(r => r.First < lowestFailed).Select(r => r with { Last = Math.Min(r.Last, lowestFailed - 1) })];
    }

    /// <summary>The answer: <paramref name="states"/> says, item by item, what the claim's ledger knew of its seq.</summary>
    private static IngestResponse Respond(CheckedItem[] items, SeqState[] states, int accepted, long watermark, GapClosure closed)
    {
        var duplicates = 0;
        var rejected = new List<RejectedItem>();
        for (var i = 0; i < items.Length; i++)
        {
            var (item, state) = (items[i], states[i]);
            if (state == SeqState.InClosedGap)
            {
                rejected.Add(new RejectedItem(item.Seq, string.Create(CultureInfo.InvariantCulture,
                    $"late: seq {item.Seq} lies in a gap this Function closed (the sender settled it, or more than Hybrid:Ingest:MaxDeliveredRanges ranges were open); not enqueued")));
            }
            else if (!item.IsValid)
            {
                rejected.Add(new RejectedItem(item.Seq, item.Reason!));
            }
            else if (state == SeqState.Delivered)
            {
                duplicates++;
            }
        }

        return new IngestResponse
        {
            Accepted = accepted,
            Duplicates = duplicates,
            Rejected = rejected,
            Watermark = watermark,
            GapsClosed = closed.Gaps > 0 ? closed.Gaps : null,
        };
    }

    private IngestResult Unavailable(IngestBatch batch, Exception ex, long started)
    {
        Log.StorageUnavailable(logger, batch.Device, batch.Epoch, ex.Message, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return IngestResult.Fail(new IngestProblem(StatusCodes.Status503ServiceUnavailable,
            "Storage is unavailable; nothing was acknowledged. Retry after the Retry-After delay.", options.Value.UnavailableRetryAfter));
    }
}
