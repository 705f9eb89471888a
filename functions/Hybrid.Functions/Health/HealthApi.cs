using System.Reflection;
using Hybrid.Functions.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hybrid.Functions.Health;

/// <summary><c>GET /api/health</c>: liveness plus storage reachability.</summary>
internal static class HealthApi
{
    private static readonly string Version =
        typeof(HealthApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/health", GetHealthAsync);
        return endpoints;
    }

    // Always 200: this is a liveness answer, and restarting the app would not bring storage back; the body says degraded.
    private static async Task<Ok<HealthReport>> GetHealthAsync(StorageHealthProbe storage, CancellationToken cancellationToken)
    {
        var failure = await storage.CheckAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new HealthReport(failure is null ? "ok" : "degraded", Version, failure ?? "ok"));
    }
}
