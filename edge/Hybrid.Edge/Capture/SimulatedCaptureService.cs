using Hybrid.Edge.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Capture;

/// <summary>
/// The <c>simulated</c> capture source: every <c>Interval</c> each configured sensor writes one reading
/// (source <c>simulated</c>) into the store without blocking; a full writer channel is counted by the store.
/// </summary>
internal sealed class SimulatedCaptureService(
    IOptions<SimulatedCaptureOptions> options,
    IReadingWriter writer,
    TimeProvider time,
    ILogger<SimulatedCaptureService> logger) : BackgroundService
{
    private const string Source = "simulated";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        var sensors = settings.EffectiveSensors.Select(s => new SimulatedSensor(s, Random.Shared)).ToArray();
        CaptureLog.SimulatedCaptureStarted(logger, sensors.Length, settings.Interval);
        using var timer = new PeriodicTimer(settings.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var now = time.GetUtcNow();
                foreach (var sensor in sensors)
                {
                    var key = sensor.Options.Key.Length > 0 ? sensor.Options.Key : null;
                    _ = writer.TryWrite(new CaptureReading(sensor.Options.Type, now, Source, key, sensor.NextPayload()));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }
}
