namespace Hybrid.Functions.Ingest;

/// <summary>Result of a claim attempt.</summary>
/// <param name="Outcome">Covered, Claimed or Busy.</param>
/// <param name="Watermark">The stored watermark when the attempt was made (the claim covers the seqs above it).</param>
/// <param name="ClaimId">Our claim's id (Claimed only).</param>
/// <param name="ClaimThrough">Highest seq claimed, ours or the other request's (Claimed, Busy).</param>
/// <param name="Expires">When the claim, ours or the other request's, expires (Claimed, Busy).</param>
/// <param name="ETag">The entity's ETag after our claim write (Claimed only).</param>
internal sealed record Claim(ClaimOutcome Outcome, long Watermark, string? ClaimId, long ClaimThrough, DateTimeOffset? Expires, string? ETag);
