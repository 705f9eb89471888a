using Hybrid.Edge.Hosting;
using Hybrid.Edge.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Uplink;

/// <summary>
/// Hosts the cloud uplink: one HTTP client for the agent's life and the <see cref="UplinkSink"/> on the store's
/// <c>uplink</c> cursor, started again from that cursor (after a jittered backoff) if it ever fails.
/// </summary>
internal sealed class UplinkService(
    IOptions<UplinkOptions> options,
    IServiceProvider services,
    UplinkStatus status,
    TimeProvider time,
    ILogger<UplinkService> logger) : BackgroundService
{
    /// <summary>The store sink name whose cursor the uplink uses.</summary>
    public const string SinkName = "uplink";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var uplink = options.Value;
        if (!uplink.Enabled)
        {
            return;
        }

        var store = services.GetService<ReadingStore>();
        if (store is null)
        {
            Log.UplinkNoStore(logger);
            return;
        }

        using var http = CreateHttpClient(uplink);
        var url = new Uri(uplink.Url);
        Log.UplinkStarted(logger, url.GetLeftPart(UriPartial.Path), uplink.MaxBatchItems, uplink.Linger);
        var backoff = new ReconnectBackoff(uplink.RetryMin, uplink.RetryMax, new Random());
        await Supervisor.RunAsync("cloud uplink", ct => RunOnceAsync(uplink, store, http, ct), backoff, time, logger, stoppingToken).ConfigureAwait(false);
    }

    private async Task RunOnceAsync(UplinkOptions uplink, ReadingStore store, HttpClient http, CancellationToken stoppingToken)
    {
        var pipeline = UplinkResilience.Build(uplink, status, time, logger, stoppingToken);
        var sender = new UplinkSender(new IngestClient(http, uplink, time), pipeline, status);
        using var sink = new UplinkSink(store.GetSink(SinkName), sender, uplink, status, time, logger);
        await sink.RunAsync(stoppingToken).ConfigureAwait(false);
    }

    /// <summary>Timeouts come from the resilience pipeline (per attempt), not from the client.</summary>
    internal static HttpClient CreateHttpClient(UplinkOptions uplink) => new(new SocketsHttpHandler
    {
        // Re-resolve DNS now and then: a Function's address can move.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = uplink.AttemptTimeout,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
