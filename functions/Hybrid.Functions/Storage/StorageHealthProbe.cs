namespace Hybrid.Functions.Storage;

/// <summary>
/// Storage reachability for <c>/api/health</c>: one unretried call to each service (list one queue, query one table),
/// so a health check answers within one request timeout and also catches a wrong key or missing role.
/// </summary>
internal sealed class StorageHealthProbe
{
    private readonly StorageAccountClients _clients;
    private readonly ILogger<StorageHealthProbe> _logger;
    private readonly Lock _gate = new();
    private Task<string?>? _inFlight;

    public StorageHealthProbe(StorageAccountClients clients, ILogger<StorageHealthProbe> logger)
    {
        _clients = clients;
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
            FailureOfAsync("ListQueues", static async clients =>
            {
                await foreach (var _ in clients.ProbeQueues.GetQueuesAsync().AsPages(pageSizeHint: 1).ConfigureAwait(false))
                {
                    break;
                }
            }),
            FailureOfAsync("QueryTables", static async clients =>
            {
                await foreach (var _ in clients.ProbeTables.QueryAsync(maxPerPage: 1).AsPages().ConfigureAwait(false))
                {
                    break;
                }
            })).ConfigureAwait(false);
        var reason = string.Join("; ", failures.OfType<string>());
        if (reason.Length == 0)
        {
            return null;
        }

        Log.StorageHealthFailed(_logger, reason);
        return reason;
    }

    private async Task<string?> FailureOfAsync(string operation, Func<StorageAccountClients, Task> probe)
    {
        try
        {
            await probe(_clients).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (StorageErrors.Classify(ex) is not null)
        {
            return _clients.Fail(operation, ex, probe: true).Message;
        }
    }
}
