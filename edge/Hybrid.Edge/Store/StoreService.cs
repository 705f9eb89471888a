using Hybrid.Edge.Sinks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hybrid.Edge.Store;

/// <summary>
/// Opens the store when the agent starts (retrying while the disk is full), runs the writer, logs the stats line
/// every <c>StatsInterval</c>, and on shutdown commits what capture already handed over.
/// </summary>
internal sealed class StoreService(ReadingStore store, IEnumerable<ISinkStatus> statuses, ILogger<StoreService> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                store.Open();
                break;
            }
            catch (Exception ex) when (StoreFile.IsDiskFull(ex))
            {
                // Not fatal: a restart would hit the same full disk. Capture keeps queueing (and counting drops).
                Log.StoreOpenDiskFull(logger, store.Path, store.Options.DiskFullRetryInterval);
                await Task.Delay(store.Options.DiskFullRetryInterval, store.Time, cancellationToken).ConfigureAwait(false);
            }
        }

        store.StartWriter();
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await store.Writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        Log.StoreStats(logger, StoreStatsFormatter.Format(await store.GetStatsAsync(cancellationToken).ConfigureAwait(false), statuses));
        Log.StoreClosed(logger, store.Path, store.Counters.Written);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = store.Options.StatsInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, store.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                Log.StoreStats(logger, StoreStatsFormatter.Format(await store.GetStatsAsync(stoppingToken).ConfigureAwait(false), statuses));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
