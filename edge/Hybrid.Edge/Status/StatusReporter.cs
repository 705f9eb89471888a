using Hybrid.Edge.Capture;
using Hybrid.Edge.Hosting;
using Hybrid.Edge.Mqtt;
using Hybrid.Edge.Store;
using Hybrid.Edge.Uplink;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Status;

/// <summary>Builds what <c>/status</c> and <c>/healthz</c> answer from the running agent's components.</summary>
internal sealed class StatusReporter(IServiceProvider services, IEnumerable<Sinks.ISinkStatus> statuses, IOptions<AgentOptions> agent, TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();

    /// <summary>The MQTT sink's status, when it is enabled.</summary>
    public MqttStatus? Mqtt { get; } = statuses.OfType<MqttStatus>().FirstOrDefault();

    /// <summary>The uplink's status, when it is enabled.</summary>
    public UplinkStatus? Uplink { get; } = statuses.OfType<UplinkStatus>().FirstOrDefault();

    public async Task<StatusDocument?> ReportAsync(CancellationToken cancellationToken)
    {
        var store = services.GetService<ReadingStore>();
        if (store is not { IsOpen: true })
        {
            return null;
        }

        var stats = await store.GetStatsAsync(cancellationToken).ConfigureAwait(false);
        var (mqtt, uplink) = (Mqtt, Uplink);
        return new StatusDocument(
            true,
            agent.Value.EffectiveDeviceId,
            Math.Round(time.GetElapsedTime(_started).TotalSeconds, 1),
            ToReport(store, stats),
            mqtt is null ? null : new MqttStatusDocument(mqtt.State.ToString().ToLowerInvariant(), mqtt.Counters?.Published ?? 0, mqtt.Counters?.Acknowledged ?? 0, mqtt.Counters?.Inflight ?? 0, mqtt.Counters?.Resent ?? 0),
            uplink is null ? null : new UplinkStatusDocument(uplink.BreakerState, uplink.Held, uplink.LastError, uplink.Sent, uplink.Acknowledged, uplink.Accepted, uplink.Duplicates, uplink.DeadLettered, uplink.Retries),
            CaptureSources());
    }

    /// <summary>Null when healthy; otherwise why not (the store is not writable, or a sink has stopped for good).</summary>
    public string? Unhealthy()
    {
        var store = services.GetService<ReadingStore>();
        if (store is not { IsOpen: true } || !store.Writer.IsRunning)
        {
            return "the store is not taking readings";
        }

        if (store.Writer.DiskFull)
        {
            return "the disk is full";
        }

        foreach (var service in services.GetServices<IHostedService>())
        {
            if (service is MqttSinkService or UplinkService && ((BackgroundService)service).ExecuteTask is { IsCompleted: true } && IsEnabled(service))
            {
                return $"{(service is MqttSinkService ? "the MQTT sink" : "the uplink")} has stopped";
            }
        }

        return null;
    }

    private bool IsEnabled(IHostedService service) => service is MqttSinkService
        ? services.GetRequiredService<IOptions<MqttOptions>>().Value.Enabled
        : services.GetRequiredService<IOptions<UplinkOptions>>().Value.Enabled;

    private List<CaptureStatusDocument> CaptureSources()
    {
        var sources = new List<CaptureStatusDocument>();
        foreach (var (name, counters) in services.GetService<ExecCaptureService>()?.Counters ?? new Dictionary<string, LineSourceCounters>())
        {
            sources.Add(new CaptureStatusDocument(name, counters.Lines, counters.Readings, counters.Refused, counters.Dropped));
        }

        if (services.GetService<IOptions<StdinCaptureOptions>>()?.Value.Enabled == true && services.GetService<StdinCaptureService>() is { } stdin)
        {
            sources.Add(new CaptureStatusDocument("stdin", stdin.Counters.Lines, stdin.Counters.Readings, stdin.Counters.Refused, stdin.Counters.Dropped));
        }

        return sources;
    }

    /// <summary>The live store in the shape <c>hybrid-edge status</c> reads from the file.</summary>
    private static StoreReport ToReport(ReadingStore store, StoreStats stats) => new(
        store.Path,
        store.DeviceId,
        StoreSchema.CurrentVersion,
        [.. stats.Lanes.Select(l => new LaneReport(l.Lane.Name(), l.Epoch, l.FirstSeq, l.HeadSeq, l.Rows, l.Bytes))],
        [.. stats.Sinks.Select(s => new SinkReport(s.Sink, [Lane(Store.Lane.High.Name(), s.High), Lane(Store.Lane.Normal.Name(), s.Normal)], s.DeadLetters))],
        stats.Dropped.ToDictionary(d => StoreStatsFormatter.ReasonName(d.Key), d => d.Value, StringComparer.Ordinal));

    private static SinkLaneReport Lane(string name, SinkLaneStats lane) =>
        new(name, lane.Cursor, lane.Backlog, lane.OldestAge is { } age ? Math.Round(age.TotalSeconds, 1) : null);
}
