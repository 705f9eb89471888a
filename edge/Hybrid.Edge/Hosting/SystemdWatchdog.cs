using System.Globalization;
using Hybrid.Edge.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace Hybrid.Edge.Hosting;

/// <summary>
/// Feeds systemd's watchdog (<c>WatchdogSec=</c> in the unit; systemd passes <c>WATCHDOG_USEC</c>) at half the
/// interval, but only while the store's writer loop is alive: an agent whose store stopped taking readings stops
/// feeding and is restarted by systemd (<c>Restart=on-failure</c>), which quarantines a damaged file on the way.
/// Does nothing outside systemd or without a watchdog.
/// </summary>
internal sealed class SystemdWatchdog(IServiceProvider services, TimeProvider time, ILogger<SystemdWatchdog> logger) : BackgroundService
{
    private static readonly ServiceState Watchdog = new("WATCHDOG=1");

    /// <summary>The interval systemd expects the watchdog to be fed within, from the environment it passes; null without one.</summary>
    internal static TimeSpan? Interval(string? watchdogUsec, string? watchdogPid, int processId)
    {
        if (!long.TryParse(watchdogUsec, NumberStyles.None, CultureInfo.InvariantCulture, out var usec) || usec <= 0)
        {
            return null;
        }

        // WATCHDOG_PID names the process meant; a child that inherited the variables must not feed it.
        return watchdogPid is null || watchdogPid == processId.ToString(CultureInfo.InvariantCulture) ? TimeSpan.FromMicroseconds(usec) : null;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var notifier = services.GetService<ISystemdNotifier>();
        var interval = Interval(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), Environment.GetEnvironmentVariable("WATCHDOG_PID"), Environment.ProcessId);
        if (notifier is not { IsEnabled: true } || interval is null)
        {
            return;
        }

        var store = services.GetService<ReadingStore>();
        Log.WatchdogEnabled(logger, interval.Value);
        using var timer = new PeriodicTimer(interval.Value / 2, time);
        var fed = true;
        try
        {
            do
            {
                var healthy = store is null || store.Writer.IsRunning;
                if (healthy)
                {
                    notifier.Notify(Watchdog);
                }
                else if (fed)
                {
                    Log.WatchdogStarved(logger);
                }

                fed = healthy;
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
