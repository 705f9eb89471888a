namespace Hybrid.Functions.Ingest;

/// <summary>Gaps a <see cref="DeliveryLedger"/> change moved the watermark over, and how many seqs they held.</summary>
internal readonly record struct GapClosure(int Gaps, long Seqs);
