namespace Hybrid.Edge.Store;

/// <summary>The store file was written by a newer agent; opening it with this one would lose data, so the agent stops.</summary>
internal sealed class StoreVersionException(int found, int supported)
    : InvalidOperationException($"The store's schema version {found} is newer than this agent supports ({supported}): run the newer agent version, or move the store file away to start a fresh store.");
