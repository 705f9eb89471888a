using Hybrid.Functions.Health;
using Hybrid.Functions.Ingest;
using Microsoft.Azure.Functions.Worker;

namespace Hybrid.Functions.Hosting;

/// <summary>
/// The Azure Functions entry points (what the Worker SDK writes into <c>functions.metadata</c>), used only under the
/// Functions host: thin adapters over the same handlers the standalone app maps, so both hosts answer alike. The
/// host checks the ingest function key (<see cref="AuthorizationLevel.Function"/>) before a request reaches the worker.
/// </summary>
internal sealed class FunctionEntryPoints(IngestHandler ingest, HealthHandler health)
{
    /// <summary><c>POST /api/ingest</c>.</summary>
    [Function("ingest")]
    public async Task<IResult> IngestAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "ingest")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await ingest.HandleAsync(request.HttpContext, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /api/health</c>, anonymous.</summary>
    [Function("health")]
    public async Task<IResult> HealthAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken) =>
        await health.GetAsync(cancellationToken).ConfigureAwait(false);
}
