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
