using Hybrid.Functions.Ingest;

namespace Hybrid.Functions.Storage;

/// <summary>
/// Storage reachability for <c>/api/health</c>: one signed, unretried round trip to each service, so a health
/// check answers within one request timeout and also catches a wrong key or missing role.
/// </summary>
internal sealed class StorageHealthProbe
{
    private readonly StorageQueueClient _queues;
    private readonly StorageTableClient _tables;
    private readonly ILogger<StorageHealthProbe> _logger;

    public StorageHealthProbe(StorageQueueClient queues, StorageTableClient tables, ILogger<StorageHealthProbe> logger)
    {
        _queues = queues;
        _tables = tables;
        _logger = logger;
    }

    /// <summary>Null when both services answered; otherwise a one-line reason (no secrets).</summary>
    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(_queues.ProbeAsync(cancellationToken), _tables.ProbeAsync(cancellationToken)).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is StorageUnavailableException or StorageRequestException)
        {
            Log.StorageHealthFailed(_logger, ex.Message);
            return ex.Message;
        }
    }
}
