using Microsoft.Azure.Functions.Worker;

namespace Hybrid.Functions.Ingest;

/// <summary>
/// <c>POST /api/ingest</c> under the Functions host: the host checks the function key
/// (<see cref="AuthorizationLevel.Function"/>), then this thin adapter hands the request to <see cref="IngestHandler"/>.
/// </summary>
internal sealed class IngestFunction(IngestHandler handler)
{
    [Function("ingest")]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "ingest")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await handler.HandleAsync(request.HttpContext, cancellationToken).ConfigureAwait(false);
    }
}
