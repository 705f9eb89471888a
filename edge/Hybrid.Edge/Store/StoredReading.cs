namespace Hybrid.Edge.Store;

/// <summary>A reading in the store: <c>(device, epoch of its lane, Seq)</c> identifies it forever.</summary>
internal sealed record StoredReading(Lane Lane, long Seq, string Type, DateTimeOffset Ts, string Source, string? Key, ReadOnlyMemory<byte> PayloadJson);
