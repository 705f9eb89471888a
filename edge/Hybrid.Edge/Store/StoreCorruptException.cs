namespace Hybrid.Edge.Store;

/// <summary>The store file failed its integrity check or lacks what every store has (its epochs); it gets quarantined.</summary>
internal sealed class StoreCorruptException(string message) : Exception(message);
