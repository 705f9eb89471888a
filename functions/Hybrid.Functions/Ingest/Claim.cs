namespace Hybrid.Functions.Ingest;

/// <summary>Result of a claim attempt.</summary>
/// <param name="Outcome">Covered, Claimed or Busy.</param>
/// <param name="Ledger">The entity's ledger when the attempt was made (what the batch's seqs were judged against).</param>
/// <param name="ClaimId">Our claim's id (Claimed only).</param>
/// <param name="Seqs">The seqs claimed, ours (Claimed) or the other request's (Busy).</param>
/// <param name="Expires">When the claim, ours or the other request's, expires (Claimed, Busy).</param>
/// <param name="ETag">The entity's ETag after our claim write (Claimed only).</param>
internal sealed record Claim(ClaimOutcome Outcome, DeliveryLedger Ledger, string? ClaimId, IReadOnlyList<SeqRange> Seqs, DateTimeOffset? Expires, string? ETag)
{
    /// <summary>Every seq the ledger holds already (or is too late for): nothing to claim.</summary>
    public static Claim Covered(DeliveryLedger ledger) => new(ClaimOutcome.Covered, ledger, null, [], null, null);

    public long Watermark => Ledger.Watermark;

    /// <summary>
    /// Set when the claim rides on this instance's parked claim (the device's previous batch, still live, which keeps
    /// every other request of the device away): the one write that records that batch and claims these seqs runs while
    /// they are sent. See <see cref="WatermarkCoordinator.ConfirmAsync"/>.
    /// </summary>
    public Task<Claim?>? Confirmation { get; init; }

    /// <summary>The parked batch that <see cref="Confirmation"/> records.</summary>
    public ParkedRecord? Parked { get; init; }
}
