using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hybrid.Functions.Health;

/// <summary><c>GET /api/health</c>: liveness (storage reachability joins with the storage client).</summary>
internal static class HealthApi
{
    private static readonly string Version =
        typeof(HealthApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/health", GetHealth);
        return endpoints;
    }

    private static Ok<HealthReport> GetHealth() => TypedResults.Ok(new HealthReport("ok", Version));
}
