using System.Reflection;
using Hybrid.Functions.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hybrid.Functions.Health;

/// <summary>The health answer, shared by <see cref="HealthApi"/> (standalone) and <see cref="Hosting.FunctionEntryPoints"/> (Functions host).</summary>
internal sealed class HealthHandler(StorageHealthProbe storage)
{
    private static readonly string Version =
        typeof(HealthHandler).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Always 200: this is a liveness answer, and restarting the app would not bring storage back; the body says degraded.</summary>
    public async Task<Ok<HealthReport>> GetAsync(CancellationToken cancellationToken)
    {
        var failure = await storage.CheckAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new HealthReport(failure is null ? "ok" : "degraded", Version, failure ?? "ok"));
    }
}
