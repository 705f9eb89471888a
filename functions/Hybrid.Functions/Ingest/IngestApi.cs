namespace Hybrid.Functions.Ingest;

/// <summary><c>POST /api/ingest</c> on standalone Kestrel, handled by <see cref="IngestHandler"/>.</summary>
internal static class IngestApi
{
    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/ingest", static (HttpContext context, IngestHandler handler, CancellationToken cancellationToken) =>
            handler.HandleAsync(context, cancellationToken));
        return endpoints;
    }
}
