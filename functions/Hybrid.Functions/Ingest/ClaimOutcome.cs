namespace Hybrid.Functions.Ingest;

/// <summary>What <see cref="WatermarkCoordinator.ClaimAsync"/> found.</summary>
internal enum ClaimOutcome
{
    /// <summary>The ledger holds every seq already (or they are too late): duplicates or late items; nothing to claim.</summary>
    Covered,

    /// <summary>The batch's new seqs are ours to enqueue until the claim expires.</summary>
    Claimed,

    /// <summary>Another request holds a live claim for this device and epoch; answer 409 with <c>Retry-After</c>.</summary>
    Busy,
}
