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
internal sealed class UplinkSink(ISinkLog log, UplinkSender sender, UplinkOptions options, UplinkStatus status, TimeProvider time, ILogger logger)
{
    private readonly ReconnectBackoff _holdBackoff = new(options.RetryMin, options.RetryMax, new Random());
    private SinkCursor _cursor = null!;
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
            while (!stoppingToken.IsCancellationRequested)
            {
                var (lane, batch) = await NextBatchAsync(stoppingToken).ConfigureAwait(false);
                if (batch.IsEmpty)
                {
                    await log.WaitForReadingsAsync(_cursor.Settled(Lane.High), _cursor.Settled(Lane.Normal), stoppingToken).ConfigureAwait(false);
                    continue;
                }

                await DeliverAsync(lane, batch, inFlight.Token, stoppingToken).ConfigureAwait(false);
                await _cursor.SaveAsync(CancellationToken.None).ConfigureAwait(false);
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

    private async Task<(Lane Lane, ReadOnlyMemory<StoredReading> Batch)> NextBatchAsync(CancellationToken cancellationToken)
    {
        var high = await ReadAsync(Lane.High, cancellationToken).ConfigureAwait(false);
        if (!high.IsEmpty)
        {
            return (Lane.High, high);
        }

        var normal = await ReadAsync(Lane.Normal, cancellationToken).ConfigureAwait(false);
        if (normal.IsEmpty || options.Linger <= TimeSpan.Zero || IsFull(normal.Span))
        {
            return (Lane.Normal, normal);
        }

        // A partial batch: give capture up to Linger to fill it (fewer, larger requests), unless an alert arrives.
        await WaitForFullBatchOrLingerAsync(cancellationToken).ConfigureAwait(false);
        high = await ReadAsync(Lane.High, cancellationToken).ConfigureAwait(false);
        return high.IsEmpty ? (Lane.Normal, await ReadAsync(Lane.Normal, cancellationToken).ConfigureAwait(false)) : (Lane.High, high);
    }

    private async Task<ReadOnlyMemory<StoredReading>> ReadAsync(Lane lane, CancellationToken cancellationToken)
    {
        var readings = await log.ReadAsync(lane, _cursor.Settled(lane), options.MaxBatchItems, options.MaxBatchBytes, cancellationToken).ConfigureAwait(false);
        return readings.Count == 0 ? ReadOnlyMemory<StoredReading>.Empty : readings.ToArray();
    }

    /// <summary>Full by count, or by bytes (the read stops before exceeding MaxBatchBytes; half of it counts as full).</summary>
    private bool IsFull(ReadOnlySpan<StoredReading> batch)
    {
        if (batch.Length >= options.MaxBatchItems)
        {
            return true;
        }

        long bytes = 0;
        foreach (var reading in batch)
        {
            bytes += StoreSchema.RowBytes(reading.Type, reading.Source, reading.Key, reading.PayloadJson.Length);
        }

        return bytes >= options.MaxBatchBytes / 2;
    }

    private async Task WaitForFullBatchOrLingerAsync(CancellationToken cancellationToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var full = log.WaitForReadingsAsync(_cursor.Settled(Lane.High), _cursor.Settled(Lane.Normal) + options.MaxBatchItems - 1, wake.Token).AsTask();
        var linger = Task.Delay(options.Linger, time, wake.Token);
        await Task.WhenAny(full, linger).ConfigureAwait(false);
        await wake.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(full, linger).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Settles <paramref name="batch"/>: acknowledged, dead-lettered item by item, or split, never skipped.</summary>
    private async Task DeliverAsync(Lane lane, ReadOnlyMemory<StoredReading> batch, CancellationToken inFlight, CancellationToken stoppingToken)
    {
        while (true)
        {
            var reply = await sender.SendAsync(log.DeviceId, log.GetEpoch(lane), lane, batch, inFlight).ConfigureAwait(false);
            switch (reply.Kind)
            {
                case UplinkReplyKind.Settled:
                    Settle(lane, batch.Span, reply);
                    return;
                case UplinkReplyKind.TooLarge or UplinkReplyKind.BadRequest when batch.Length == 1:
                    status.SetLastError(reply.Reason);
                    DeadLetter(lane, batch.Span[0], $"uplink: HTTP {reply.Status}: {reply.Reason}");
                    return;
                case UplinkReplyKind.TooLarge or UplinkReplyKind.BadRequest:
                    status.SetLastError(reply.Reason);
                    status.AddSplit();
                    var label = BatchLabel.Of(lane, batch.Span);
                    Log.UplinkSplitting(logger, reply.Status, label.Lane, label.First, label.Last, label.Count, reply.Reason);
                    var half = batch.Length / 2;
                    await DeliverAsync(lane, batch[..half], inFlight, stoppingToken).ConfigureAwait(false);
                    await DeliverAsync(lane, batch[half..], inFlight, stoppingToken).ConfigureAwait(false);
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
        if (status.Held is not null)
        {
            status.SetHeld(null);
            Log.UplinkResumed(logger);
        }

        foreach (var rejected in response.Rejected)
        {
            var reading = Find(batch, rejected.Seq);
            DeadLetter(lane, reading, $"uplink: rejected by the Function: {rejected.Reason}");
        }

        _cursor.Settle(lane, batch[^1].Seq);
        status.AddSettled(response.Accepted, response.Duplicates, response.Rejected.Count);
    }

    private void DeadLetter(Lane lane, StoredReading reading, string reason)
    {
        _cursor.DeadLetter(lane, reading.Seq, reason);
        status.AddDeadLettered(1);
        Log.UplinkDeadLettered(logger, lane == Lane.High ? "high" : "normal", reading.Seq, reading.Type, reason);
    }

    private static StoredReading Find(ReadOnlySpan<StoredReading> batch, long seq)
    {
        foreach (var reading in batch)
        {
            if (reading.Seq == seq)
            {
                return reading;
            }
        }

        throw new InvalidOperationException($"seq {seq} is not in the batch; IngestClient checks this before settling.");
    }
}
