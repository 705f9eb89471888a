namespace Hybrid.Edge.Store;

/// <summary>
/// A reading as a capture source hands it to the store, before it has a lane and a seq.
/// <paramref name="PayloadJson"/> is UTF-8 JSON (an object, array, string, number, …) kept verbatim.
/// </summary>
internal sealed record CaptureReading(string Type, DateTimeOffset Ts, string Source, string? Key, ReadOnlyMemory<byte> PayloadJson);
