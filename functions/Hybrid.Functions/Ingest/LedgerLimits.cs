namespace Hybrid.Functions.Ingest;

/// <summary>How much out-of-order state one <see cref="DeliveryLedger"/> keeps.</summary>
/// <param name="MaxRanges">Delivered ranges kept above the watermark; one more closes the oldest gap.</param>
/// <param name="MaxClosedGaps">Closed gaps remembered, so late seqs in them are reported rather than called duplicates.</param>
internal sealed record LedgerLimits(int MaxRanges, int MaxClosedGaps);
