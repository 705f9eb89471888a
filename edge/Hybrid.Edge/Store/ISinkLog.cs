namespace Hybrid.Edge.Store;

/// <summary>
/// One sink's view of the store: its durable cursor per lane and the readings after it.
/// A sink may read ahead of its cursor (e.g. MQTT in-flight window) and advances the cursor only over readings
/// it has delivered; after a restart it resumes from the cursor, so nothing is skipped.
/// </summary>
internal interface ISinkLog
{
    /// <summary>The sink's name, e.g. <c>mqtt</c> or <c>uplink</c>.</summary>
    string Sink { get; }

    /// <summary>The device id the store belongs to.</summary>
    string DeviceId { get; }

    /// <summary>The epoch of <paramref name="lane"/>'s log (a ULID created with it).</summary>
    string GetEpoch(Lane lane);

    /// <summary>The highest seq of <paramref name="lane"/> the sink has durably passed (0 when none).</summary>
    long GetCursor(Lane lane);

    /// <summary>
    /// Readings of <paramref name="lane"/> with seq &gt; <paramref name="afterSeq"/>, in seq order, at most
    /// <paramref name="maxCount"/> readings and about <paramref name="maxBytes"/> bytes (always at least one reading
    /// when any exists). Empty when there is nothing after <paramref name="afterSeq"/>.
    /// </summary>
    ValueTask<IReadOnlyList<StoredReading>> ReadAsync(Lane lane, long afterSeq, int maxCount, int maxBytes, CancellationToken cancellationToken);

    /// <summary>Durably moves the sink's cursor of <paramref name="lane"/> to <paramref name="throughSeq"/> (never backwards).</summary>
    ValueTask AdvanceAsync(Lane lane, long throughSeq, CancellationToken cancellationToken);

    /// <summary>Records readings the sink rejected permanently, with the reason; they count as passed for retention.</summary>
    ValueTask DeadLetterAsync(Lane lane, IReadOnlyList<DeadLetterItem> items, CancellationToken cancellationToken);

    /// <summary>
    /// True when <paramref name="lane"/> holds a reading after <paramref name="afterSeq"/>, from the store's lane state
    /// (no query). Rows deleted before the sink read them do not count.
    /// </summary>
    bool HasReadingsAfter(Lane lane, long afterSeq);

    /// <summary>
    /// This sink's dead letters an operator marked with <c>deadletter retry</c>, high lane first, each lane in seq order,
    /// at most <paramref name="maxCount"/>.
    /// </summary>
    ValueTask<IReadOnlyList<RetryItem>> ReadRetriesAsync(int maxCount, CancellationToken cancellationToken);

    /// <summary>
    /// Settles a retried dead letter: delivered (<paramref name="refusal"/> null), it is removed; refused again, it stays a
    /// dead letter with <paramref name="refusal"/> as its reason and is no longer marked.
    /// </summary>
    ValueTask SettleRetryAsync(long id, string? refusal, CancellationToken cancellationToken);

    /// <summary>Completes when <see cref="Lane.High"/> has a reading after <paramref name="afterSeqHigh"/> or <see cref="Lane.Normal"/> one after <paramref name="afterSeqNormal"/> (at once if one exists).</summary>
    ValueTask WaitForReadingsAsync(long afterSeqHigh, long afterSeqNormal, CancellationToken cancellationToken);
}

/// <summary>A reading a sink gave up on, with the reason an operator reads in <c>deadletter list</c>.</summary>
internal sealed record DeadLetterItem(long Seq, string Reason);

/// <summary>A dead letter marked for retry (<paramref name="Id"/> in the dead-letter table) with its reading.</summary>
internal sealed record RetryItem(long Id, StoredReading Reading);
