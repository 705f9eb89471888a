namespace Hybrid.Functions.Health;

/// <summary><c>GET /api/health</c> on standalone Kestrel: liveness plus storage reachability.</summary>
internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/health", static (HealthHandler handler, CancellationToken cancellationToken) => handler.GetAsync(cancellationToken));
        return endpoints;
    }
}
