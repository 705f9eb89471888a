namespace Hybrid.Edge.Store;

/// <summary>
/// The store keeps two independent logs. Every sink drains <see cref="High"/> first; capacity drops hit
/// <see cref="Normal"/> first.
/// </summary>
internal enum Lane
{
    /// <summary>Urgent readings (types matching the configured high-lane patterns, default <c>alert.*</c>).</summary>
    High = 0,

    /// <summary>Everything else.</summary>
    Normal = 1,
}

/// <summary>The lane names people read in logs, status and metrics.</summary>
internal static class LaneNames
{
    /// <summary><c>high</c> or <c>normal</c>.</summary>
    public static string Name(this Lane lane) => lane == Lane.High ? "high" : "normal";
}
