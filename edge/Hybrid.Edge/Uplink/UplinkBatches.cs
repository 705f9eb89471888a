using Hybrid.Edge.Sinks;
using Hybrid.Edge.Store;

namespace Hybrid.Edge.Uplink;

/// <summary>
/// Chooses and prepares the uplink's batches: the high lane first, a partial normal batch lingers for more readings
/// (full batches never wait), and while one batch is on the wire the next full one is read and compressed into the
/// second of two reused buffers, so a backlog drains without the store read, JSON and gzip between requests. Only
/// one batch is ever in flight; a prepared batch is sent only if it is still the next one when its turn comes.
/// </summary>
internal sealed class UplinkBatches(ISinkLog log, UplinkOptions options, TimeProvider time) : IDisposable
{
    private readonly BatchBodyWriter[] _writers = [new(), new()];

    /// <summary>
    /// The next batch after what <paramref name="cursor"/> has settled, or null when there is none. It is written into
    /// the buffer that <paramref name="busy"/> (an abandoned prefetch still running) is not.
    /// </summary>
    public async Task<PreparedBatch?> NextAsync(SinkCursor cursor, BatchBodyWriter? busy, CancellationToken cancellationToken)
    {
        var writer = Other(busy);
        var high = await ReadAsync(Lane.High, cursor.Settled(Lane.High), cancellationToken).ConfigureAwait(false);
        if (!high.IsEmpty)
        {
            return Prepare(Lane.High, high, cursor.Settled(Lane.High), writer);
        }

        var normal = await ReadAsync(Lane.Normal, cursor.Settled(Lane.Normal), cancellationToken).ConfigureAwait(false);
        if (normal.IsEmpty)
        {
            return null;
        }

        if (options.Linger > TimeSpan.Zero && !IsFull(normal.Span))
        {
            // A partial batch: give capture up to Linger to fill it (fewer, larger requests), unless an alert arrives.
            await WaitForFullBatchOrLingerAsync(cursor, cancellationToken).ConfigureAwait(false);
            high = await ReadAsync(Lane.High, cursor.Settled(Lane.High), cancellationToken).ConfigureAwait(false);
            if (!high.IsEmpty)
            {
                return Prepare(Lane.High, high, cursor.Settled(Lane.High), writer);
            }

            normal = await ReadAsync(Lane.Normal, cursor.Settled(Lane.Normal), cancellationToken).ConfigureAwait(false);
            if (normal.IsEmpty)
            {
                // Capacity, the disk floor or TTL removed them while lingering.
                return null;
            }
        }

        return Prepare(Lane.Normal, normal, cursor.Settled(Lane.Normal), writer);
    }

    /// <summary>The buffer a prefetch after <paramref name="current"/> writes into: the one <paramref name="current"/> does not use.</summary>
    public BatchBodyWriter PrefetchWriter(PreparedBatch current) => Other(current.Writer);

    /// <summary>
    /// While <paramref name="current"/> is on the wire: the batch that will follow it if it is a high one or a full
    /// normal one (a partial one lingers anyway), prepared in <paramref name="writer"/> (its <see cref="PrefetchWriter"/>).
    /// Cancelled (abandoned), it stops before its store read or before writing the body.
    /// </summary>
    public async Task<PreparedBatch?> PrefetchAsync(PreparedBatch current, BatchBodyWriter writer, SinkCursor cursor, CancellationToken cancellationToken)
    {
        var highAfter = current.Lane == Lane.High ? current.LastSeq : cursor.Settled(Lane.High);
        var high = await ReadAsync(Lane.High, highAfter, cancellationToken).ConfigureAwait(false);
        if (!high.IsEmpty)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Prepare(Lane.High, high, cursor.Settled(Lane.High), writer, background: true);
        }

        var normalAfter = current.Lane == Lane.Normal ? current.LastSeq : cursor.Settled(Lane.Normal);
        var normal = await ReadAsync(Lane.Normal, normalAfter, cancellationToken).ConfigureAwait(false);
        if (normal.IsEmpty || !IsFull(normal.Span))
        {
            return null;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Prepare(Lane.Normal, normal, cursor.Settled(Lane.Normal), writer, background: true);
    }

    /// <summary>
    /// False after a partial normal batch: it was read up to the lane's head (or stopped before one large reading),
    /// so <see cref="PrefetchAsync"/> would find no full batch to prepare, and a high reading that arrives meanwhile is
    /// read first by <see cref="NextAsync"/> anyway. At rest every batch is partial; the prefetch was a thread-pool hop
    /// and a store read per batch for nothing.
    /// </summary>
    public bool IsWorthPrefetching(PreparedBatch current) => current.Lane == Lane.High || IsFull(current.Readings.Span);

    /// <summary>
    /// True when <paramref name="next"/> follows straight on what is settled and no alert has arrived that should go
    /// before a normal batch.
    /// </summary>
    public bool IsStillNext(PreparedBatch next, SinkCursor cursor) =>
        next.FirstSeq == cursor.Settled(next.Lane) + 1
        && (next.Lane == Lane.High || !log.HasReadingsAfter(Lane.High, cursor.Settled(Lane.High)));

    /// <summary>
    /// A part of <paramref name="parent"/> (after a 413 or 400), written again in the parent's buffer. It states the
    /// parent's settled seq: the parts before it may not be answered yet.
    /// </summary>
    public PreparedBatch Split(PreparedBatch parent, ReadOnlyMemory<StoredReading> part) => Prepare(parent.Lane, part, parent.SettledThrough, parent.Writer);

    public void Dispose()
    {
        foreach (var writer in _writers)
        {
            writer.Dispose();
        }
    }

    /// <summary>
    /// Writes the body. <paramref name="settledThrough"/> comes from the cursor, never from the batch's first seq: a
    /// prefetched batch's predecessor, and a split part's earlier parts, may still be unanswered.
    /// </summary>
    private PreparedBatch Prepare(Lane lane, ReadOnlyMemory<StoredReading> readings, long settledThrough, BatchBodyWriter writer, bool background = false) =>
        new(lane, readings, settledThrough, writer.Write(log.DeviceId, log.GetEpoch(lane), settledThrough, readings.Span, background), writer);

    /// <summary>The one of the two buffers that is not <paramref name="writer"/>.</summary>
    private BatchBodyWriter Other(BatchBodyWriter? writer) => writer == _writers[0] ? _writers[1] : _writers[0];

    private async Task<ReadOnlyMemory<StoredReading>> ReadAsync(Lane lane, long afterSeq, CancellationToken cancellationToken)
    {
        var readings = await log.ReadAsync(lane, afterSeq, options.MaxBatchItems, options.MaxBatchBytes, cancellationToken).ConfigureAwait(false);
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

    private async Task WaitForFullBatchOrLingerAsync(SinkCursor cursor, CancellationToken cancellationToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var full = log.WaitForReadingsAsync(cursor.Settled(Lane.High), cursor.Settled(Lane.Normal) + options.MaxBatchItems - 1, wake.Token).AsTask();
        var linger = Task.Delay(options.Linger, time, wake.Token);
        await Task.WhenAny(full, linger).ConfigureAwait(false);
        await wake.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(full, linger).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
