namespace Hybrid.Functions.Ingest;

/// <summary>
/// Durable dedupe state per <c>(device, epoch)</c>: one Azure Table entity updated with ETag optimistic concurrency,
/// so any number of Function instances agree.
/// </summary>
internal interface IWatermarkStore
{
    /// <summary>The current state and its ETag, or null when no entity exists yet.</summary>
    Task<WatermarkEntry?> GetAsync(string device, string epoch, CancellationToken cancellationToken);

    /// <summary>Creates the entity; <see cref="WriteOutcome.Conflict"/> when another instance created it first.</summary>
    Task<WriteResult> TryInsertAsync(string device, string epoch, WatermarkState state, CancellationToken cancellationToken);

    /// <summary>Replaces the entity if its ETag is still <paramref name="etag"/>; <see cref="WriteOutcome.PreconditionFailed"/> otherwise.</summary>
    Task<WriteResult> TryReplaceAsync(string device, string epoch, WatermarkState state, string etag, CancellationToken cancellationToken);
}

/// <summary>
/// Dedupe state of one <c>(device, epoch)</c>: <paramref name="Ledger"/> says which seqs were enqueued. A pending claim
/// (<paramref name="ClaimId"/>, <paramref name="ClaimSeqs"/>, <paramref name="ClaimExpires"/>) reserves the seqs one
/// request is enqueueing; a claim past its expiry may be taken over.
/// </summary>
internal sealed record WatermarkState(DeliveryLedger Ledger, string? ClaimId, IReadOnlyList<SeqRange> ClaimSeqs, DateTimeOffset? ClaimExpires)
{
    /// <summary>Nothing enqueued, no claim.</summary>
    public static WatermarkState Empty { get; } = new(DeliveryLedger.Empty, null, [], null);

    /// <summary>Every seq up to here is settled.</summary>
    public long Watermark => Ledger.Watermark;

    /// <summary>A state without a claim.</summary>
    public static WatermarkState Settled(DeliveryLedger ledger) => new(ledger, null, [], null);

    public bool Equals(WatermarkState? other) =>
        other is not null && Ledger.Equals(other.Ledger) && ClaimId == other.ClaimId && ClaimSeqs.SequenceEqual(other.ClaimSeqs) && ClaimExpires == other.ClaimExpires;

    public override int GetHashCode() => HashCode.Combine(Ledger, ClaimId, ClaimExpires);
}

/// <summary>A state read from storage with the ETag to make a conditional write against.</summary>
internal sealed record WatermarkEntry(WatermarkState State, string ETag);

/// <summary>Outcome of a conditional write; expected races are values, not exceptions.</summary>
internal enum WriteOutcome
{
    Success,
    Conflict,
    PreconditionFailed,
}

/// <summary>A conditional write's outcome and, on success, the entity's new ETag.</summary>
internal readonly record struct WriteResult(WriteOutcome Outcome, string? ETag);
