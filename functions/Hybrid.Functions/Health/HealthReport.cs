namespace Hybrid.Functions.Health;

/// <summary>Answer of <c>GET /api/health</c>.</summary>
/// <param name="Status"><c>ok</c>, or <c>degraded</c> when storage is unreachable (the app itself is alive either way).</param>
/// <param name="Version">The app's informational version.</param>
/// <param name="Storage"><c>ok</c> or the one-line reason storage failed its check.</param>
internal sealed record HealthReport(string Status, string Version, string Storage);
