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
    private readonly Lock _gate = new();
    private Task<string?>? _inFlight;

    public StorageHealthProbe(StorageQueueClient queues, StorageTableClient tables, ILogger<StorageHealthProbe> logger)
    {
        _queues = queues;
        _tables = tables;
        _logger = logger;
    }

    /// <summary>
    /// Null when both services answered; otherwise one line with each failing service's reason (no secrets). Concurrent callers share one
    /// in-flight probe, so an anonymous health endpoint cannot multiply storage traffic.
    /// </summary>
    public Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_inFlight is { IsCompleted: false } running)
            {
                return running.WaitAsync(cancellationToken);
            }

            // The shared probe must not die with the first caller's request: it runs on its own token.
            _inFlight = ProbeAsync();
            return _inFlight.WaitAsync(cancellationToken);
        }
    }

    private async Task<string?> ProbeAsync()
    {
        var failures = await Task.WhenAll(
            FailureOfAsync(_queues.ProbeAsync(CancellationToken.None)),
            FailureOfAsync(_tables.ProbeAsync(CancellationToken.None))).ConfigureAwait(false);
        var reason = string.Join("; ", failures.OfType<string>());
        if (reason.Length == 0)
        {
            return null;
        }

        Log.StorageHealthFailed(_logger, reason);
        return reason;
    }

    private static async Task<string?> FailureOfAsync(Task probe)
    {
        try
        {
            await probe.ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is StorageUnavailableException or StorageRequestException)
        {
            return ex.Message;
        }
    }
}
