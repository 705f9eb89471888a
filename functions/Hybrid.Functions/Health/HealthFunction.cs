using Microsoft.Azure.Functions.Worker;

namespace Hybrid.Functions.Health;

/// <summary><c>GET /api/health</c> under the Functions host (anonymous): a thin adapter over <see cref="HealthHandler"/>.</summary>
internal sealed class HealthFunction(HealthHandler handler)
{
    [Function("health")]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken) =>
        await handler.GetAsync(cancellationToken).ConfigureAwait(false);
}
