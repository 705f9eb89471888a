using Hybrid.Contracts;

namespace Hybrid.Functions.Ingest;

/// <summary>An item to pack: the reading, its seq, and for the rejected queue its reason.</summary>
internal readonly record struct PackItem(WireReading? Reading, long Seq, string? Reason);
