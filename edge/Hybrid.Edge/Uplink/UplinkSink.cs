using System.Globalization;
using Hybrid.Edge.Hosting;
using Hybrid.Edge.Sinks;
using Hybrid.Edge.Store;
using Microsoft.Extensions.Logging;

namespace Hybrid.Edge.Uplink;

/// <summary>
/// Drains the store to the ingest Function: one batch in flight, high lane first, each lane in seq order (the
/// Function's dedupe takes a lower seq after a higher one as a resend). The cursor moves only over what the Function
/// answered for: accepted, duplicate, or refused for good (then dead-lettered with its reason). Wrong settings hold
/// the uplink without advancing anything; transient failures retry the same batch.
/// </summary>
internal sealed class UplinkSink(ISinkLog log, UplinkSender sender, UplinkOptions options, UplinkStatus status, TimeProvider time, ILogger logger, Func<IBatchPreparer>? createPreparer = null) : IDisposable
{
    private static readonly TimeSpan SaveInterval = TimeSpan.FromMilliseconds(250);
    private readonly ReconnectBackoff _holdBackoff = new(options.RetryMin, options.RetryMax, new Random());
    private readonly UplinkBatches _batches = new(log, options, time);
    private readonly DeadLetterRetries _retries = new(log, time, logger);
    private BatchBodyWriter? _retryWriter;
    private IBatchPreparer? _preparer;
    private Prefetch? _abandoned;
    private SinkCursor _cursor = null!;
    private long _lastSave;
    private volatile bool _stoppedWhilePosting;

    /// <summary>
    /// Runs until <paramref name="stoppingToken"/> is cancelled; then the batch in flight still gets up to
    /// <see cref="UplinkOptions.ShutdownGrace"/> for its answer, and what was settled is saved.
    /// </summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        _cursor = new SinkCursor(log);
        using var inFlight = new CancellationTokenSource();
        using var stopping = stoppingToken.Register(() => StopInFlight(inFlight));
        try
        {
            PreparedBatch? next = null;
            while (!stoppingToken.IsCancellationRequested)
            {
                await _retries.RunIfDueAsync((reading, ct) => RetryAsync(reading, inFlight.Token, ct), stoppingToken).ConfigureAwait(false);
                ForgetFinishedAbandoned();
                var current = next ?? await _batches.NextAsync(_cursor, _abandoned?.Writer, stoppingToken).ConfigureAwait(false);
                if (current is null)
                {
                    await _retries.WaitForReadingsOrPollAsync(_cursor.Settled(Lane.High), _cursor.Settled(Lane.Normal), stoppingToken).ConfigureAwait(false);
                    continue;
                }

                var prefetch = StartPrefetch(current, stoppingToken);
                try
                {
                    await DeliverAsync(current, inFlight.Token, stoppingToken).ConfigureAwait(false);

                    // Answered: whatever fails next (e.g. the cancelled prefetch) was not a POST left unanswered.
                    _stoppedWhilePosting = false;
                }
                catch
                {
                    Release(prefetch);
                    throw;
                }

                next = await TakePrefetchAsync(prefetch).ConfigureAwait(false);

                // Draining a backlog, the cursor is saved a few times a second rather than per batch: after a crash the
                // Function answers the resent batches as duplicates. Caught up, or with dead letters (which a resend would
                // only get back as duplicates), it is saved at once.
                if (next is null || _cursor.HasDeadLetters || time.GetElapsedTime(_lastSave) >= SaveInterval)
                {
                    await _cursor.SaveAsync(CancellationToken.None).ConfigureAwait(false);
                    _lastSave = time.GetTimestamp();
                }
            }
        }
        catch (Exception ex) when (stoppingToken.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            // Stopping: a batch on the wire was not answered in time; nothing of it is settled.
            if (_stoppedWhilePosting)
            {
                Log.UplinkStoppedInFlight(logger);
            }
        }
        finally
        {
            if (_cursor.HasUnsaved)
            {
                await _cursor.SaveAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The next batch is read and compressed, at a lower priority, while <paramref name="current"/> is on the wire. Not
    /// when a partial batch is on the wire (the next one lingers anyway), nor while an abandoned preparation still runs:
    /// its thread is short of CPU, and a second one would only queue behind it.
    /// </summary>
    private Prefetch? StartPrefetch(PreparedBatch current, CancellationToken stoppingToken)
    {
        if (_abandoned is not null || !_batches.IsWorthPrefetching(current))
        {
            return null;
        }

        var writer = _batches.PrefetchWriter(current);
        return new Prefetch(Preparer, writer, token => _batches.PrefetchAsync(current, writer, _cursor, token), stoppingToken);
    }

    /// <summary>
    /// The prepared batch, if it is ready and still the next one. One not ready is abandoned rather than waited for: on a
    /// machine whose cores are all busy its low-priority thread may get little CPU, and the uplink then prepares the
    /// next batch itself, at its own priority, in the other buffer.
    /// </summary>
    private async Task<PreparedBatch?> TakePrefetchAsync(Prefetch? prefetch)
    {
        if (prefetch is null || prefetch.IsRunning)
        {
            Release(prefetch);
            return null;
        }

        using (prefetch)
        {
            var next = await prefetch.Batch.ConfigureAwait(false);
            return next is not null && _batches.IsStillNext(next, _cursor) ? next : null;
        }
    }

    /// <summary>
    /// A preparation no longer wanted. One still running is cancelled and kept in <see cref="_abandoned"/> until it
    /// has finished, since it may still write into its buffer.
    /// </summary>
    private void Release(Prefetch? prefetch)
    {
        if (prefetch is null)
        {
            return;
        }

        prefetch.Abandon();
        if (prefetch.IsRunning)
        {
            _abandoned = prefetch;
        }
        else
        {
            prefetch.Dispose();
        }
    }

    private void ForgetFinishedAbandoned()
    {
        if (_abandoned is { IsRunning: false })
        {
            _abandoned.Dispose();
            _abandoned = null;
        }
    }

    /// <summary>Started with the first full batch: a trickle of partial batches never prefetches.</summary>
    private IBatchPreparer Preparer => _preparer ??= createPreparer?.Invoke() ?? new BatchPreparationThread();

    /// <summary>
    /// A POST on the wire gets <see cref="UplinkOptions.ShutdownGrace"/> for its answer (no retry follows once stopping);
    /// a wait between attempts ends at once.
    /// </summary>
    private void StopInFlight(CancellationTokenSource inFlight)
    {
        _stoppedWhilePosting = sender.IsPosting;
        if (_stoppedWhilePosting)
        {
            inFlight.CancelAfter(options.ShutdownGrace);
        }
        else
        {
            inFlight.Cancel();
        }
    }

    /// <summary>Settles <paramref name="batch"/>: acknowledged, dead-lettered item by item, or split, never skipped.</summary>
    private async Task DeliverAsync(PreparedBatch batch, CancellationToken inFlight, CancellationToken stoppingToken)
    {
        while (true)
        {
            var reply = await sender.SendAsync(batch.Lane, batch.Readings, batch.Body, inFlight).ConfigureAwait(false);
            switch (reply.Kind)
            {
                case UplinkReplyKind.Settled:
                    Settle(batch.Lane, batch.Readings.Span, reply);
                    return;
                case UplinkReplyKind.TooLarge or UplinkReplyKind.BadRequest when batch.Readings.Length == 1:
                    status.SetLastError(reply.Reason);
                    DeadLetter(batch.Lane, batch.Readings.Span[0], $"uplink: HTTP {reply.Status}: {reply.Reason}");
                    return;
                case UplinkReplyKind.TooLarge or UplinkReplyKind.BadRequest:
                    status.SetLastError(reply.Reason);
                    status.AddSplit();
                    var label = BatchLabel.Of(batch.Lane, batch.Readings.Span);
                    Log.UplinkSplitting(logger, reply.Status, label.Lane, label.First, label.Last, label.Count, reply.Reason);
                    var half = batch.Readings.Length / 2;
                    await DeliverAsync(_batches.Split(batch, batch.Readings[..half]), inFlight, stoppingToken).ConfigureAwait(false);
                    await DeliverAsync(_batches.Split(batch, batch.Readings[half..]), inFlight, stoppingToken).ConfigureAwait(false);
                    return;
                case UplinkReplyKind.Hold:
                    await HoldAsync(reply, stoppingToken).ConfigureAwait(false);
                    break;
                default:
                    // Transient and not retried: only once the agent is stopping.
                    stoppingToken.ThrowIfCancellationRequested();
                    throw new InvalidOperationException($"The uplink gave up on a batch it should have retried: {reply.Reason}");
            }
        }
    }

    /// <summary>
    /// A dead letter marked for retry, posted alone (it is out of seq order and must be told apart in the answer) without
    /// <c>settledThrough</c>. The Function enqueues it only if it has not settled that seq: once its watermark passed a
    /// gap, the reading stays a dead letter with that reason rather than being called delivered.
    /// </summary>
    private async Task<RetryOutcome> RetryAsync(StoredReading reading, CancellationToken inFlight, CancellationToken stoppingToken)
    {
        _retryWriter ??= new BatchBodyWriter();
        ReadOnlyMemory<StoredReading> one = new[] { reading };
        var body = _retryWriter.Write(log.DeviceId, log.GetEpoch(reading.Lane), 0, one.Span);
        var reply = await sender.SendAsync(reading.Lane, one, body, inFlight).ConfigureAwait(false);
        switch (reply.Kind)
        {
            case UplinkReplyKind.Settled:
                var response = reply.Response!;
                ClearHeld();
                status.AddSettled(response.Accepted, response.Duplicates, response.Rejected.Count);
                return response switch
                {
                    { Accepted: 1 } => RetryOutcome.Delivered,
                    { Rejected: [var rejected] } => RetryOutcome.Refused($"uplink: rejected by the Function: {rejected.Reason}"),
                    _ => RetryOutcome.Refused(string.Create(CultureInfo.InvariantCulture,
                        $"uplink: retry not enqueued: the Function had already settled seq {reading.Seq} (its watermark is {response.Watermark}), so it cannot take it again under that seq")),
                };
            case UplinkReplyKind.TooLarge or UplinkReplyKind.BadRequest:
                status.SetLastError(reply.Reason);
                return RetryOutcome.Refused($"uplink: HTTP {reply.Status}: {reply.Reason}");
            case UplinkReplyKind.Hold:
                await HoldAsync(reply, stoppingToken).ConfigureAwait(false);
                return RetryOutcome.NotNow;
            default:
                stoppingToken.ThrowIfCancellationRequested();
                throw new InvalidOperationException($"The uplink gave up on a retried dead letter it should have retried: {reply.Reason}");
        }
    }

    private async Task HoldAsync(UplinkReply reply, CancellationToken stoppingToken)
    {
        var delay = _holdBackoff.DelayFor(int.MaxValue);
        if (status.Held != reply.Reason)
        {
            Log.UplinkHeld(logger, reply.Reason, options.RetryMax);
        }

        status.SetHeld(reply.Reason);
        status.SetLastError(reply.Reason);
        await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
    }

    private void Settle(Lane lane, ReadOnlySpan<StoredReading> batch, UplinkReply reply)
    {
        var response = reply.Response!;
        ClearHeld();

        foreach (var rejected in response.Rejected)
        {
            var reading = batch[BatchSeqs.IndexOf(batch, rejected.Seq)];
            DeadLetter(lane, reading, $"uplink: rejected by the Function: {rejected.Reason}");
        }

        _cursor.Settle(lane, batch[^1].Seq);
        status.AddSettled(response.Accepted, response.Duplicates, response.Rejected.Count);
    }

    private void ClearHeld()
    {
        if (status.Held is not null)
        {
            status.SetHeld(null);
            Log.UplinkResumed(logger);
        }
    }

    private void DeadLetter(Lane lane, StoredReading reading, string reason)
    {
        _cursor.DeadLetter(lane, reading.Seq, reason);
        status.AddDeadLettered(1);
        Log.UplinkDeadLettered(logger, lane.Name(), reading.Seq, reading.Type, reason);
    }

    public void Dispose()
    {
        // The thread (which lets an abandoned preparation finish) before the buffers it writes into.
        _preparer?.Dispose();
        _abandoned?.Dispose();
        _batches.Dispose();
        _retryWriter?.Dispose();
    }
}
