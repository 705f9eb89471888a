namespace Hybrid.Functions.Ingest;

/// <summary>What <see cref="WatermarkCoordinator.ClaimAsync"/> found.</summary>
internal enum ClaimOutcome
{
    /// <summary>The watermark already covers the range: everything in it is a duplicate; nothing to claim.</summary>
    Covered,

    /// <summary>The range above the watermark is ours to enqueue until the claim expires.</summary>
    Claimed,

    /// <summary>Another request holds a live claim for this device and epoch; answer 409 with <c>Retry-After</c>.</summary>
    Busy,
}
