namespace Hybrid.Functions.Health;

/// <summary>Answer of <c>GET /api/health</c>.</summary>
/// <param name="Status"><c>ok</c> or <c>degraded</c>.</param>
/// <param name="Version">The app's informational version.</param>
internal sealed record HealthReport(string Status, string Version);
