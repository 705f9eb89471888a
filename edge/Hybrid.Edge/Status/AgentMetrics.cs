using System.Diagnostics.Metrics;
using Hybrid.Edge.Capture;
using Hybrid.Edge.Mqtt;
using Hybrid.Edge.Store;
using Hybrid.Edge.Uplink;
using Polly.CircuitBreaker;

namespace Hybrid.Edge.Status;

/// <summary>
/// The agent's <see cref="System.Diagnostics.Metrics"/> instruments (meter <c>Hybrid.Edge</c>): observable counters
/// and gauges over the counters the components keep anyway, so nothing is counted twice and the hot path pays
/// nothing. Exported as Prometheus text on <c>/metrics</c>; any other MeterListener (dotnet-counters) sees them too.
/// </summary>
internal sealed class AgentMetrics : IDisposable
{
    public const string MeterName = "Hybrid.Edge";

    private readonly Meter _meter = new(MeterName);

    public AgentMetrics(ReadingStore? store, MqttStatus? mqtt, UplinkStatus? uplink, ExecCaptureService? exec, StdinCaptureService? stdin)
    {
        if (store is not null)
        {
            _meter.CreateObservableCounter("hybrid.store.written", () => store.Counters.Written, "{reading}", "Readings committed to the store since the agent started.");
            _meter.CreateObservableCounter("hybrid.store.dropped", () => Enum.GetValues<DropReason>().Select(r => Tagged(store.Counters.Dropped(r), "reason", StoreStatsFormatter.ReasonName(r))), "{reading}", "Readings dropped before every sink had them, by reason (since the store was created).");
            _meter.CreateObservableGauge("hybrid.store.head_seq", () => Lanes(store, lane => lane.HeadSeq), "{seq}", "The highest seq of each lane.");
            _meter.CreateObservableGauge("hybrid.store.rows", () => Lanes(store, lane => lane.Rows), "{reading}", "Readings held per lane.");
            _meter.CreateObservableGauge("hybrid.store.bytes", () => Lanes(store, lane => lane.Bytes), "By", "Reading bytes held per lane.");
            _meter.CreateObservableGauge("hybrid.sink.backlog", () => Backlogs(store), "{reading}", "Readings each sink has not delivered yet, per lane.");
        }

        if (mqtt is not null)
        {
            _meter.CreateObservableGauge("hybrid.mqtt.connected", () => mqtt.State == MqttConnectionState.Connected ? 1 : 0, null, "1 while the MQTT sink is connected.");
            _meter.CreateObservableCounter("hybrid.mqtt.published", () => mqtt.Counters?.Published ?? 0, "{message}", "Readings published by the current MQTT session.");
            _meter.CreateObservableCounter("hybrid.mqtt.acknowledged", () => mqtt.Counters?.Acknowledged ?? 0, "{message}", "Publications the broker acknowledged in the current session.");
        }

        if (uplink is not null)
        {
            _meter.CreateObservableCounter("hybrid.uplink.items", () => UplinkItems(uplink), "{reading}", "Uplink items by outcome: sent (every attempt), acknowledged, accepted, duplicate, dead_lettered.");
            _meter.CreateObservableCounter("hybrid.uplink.retries", () => uplink.Retries, "{attempt}", "Uplink attempts retried after a transient failure.");
            _meter.CreateObservableGauge("hybrid.uplink.breaker_state", () => uplink.Breaker switch { CircuitState.Closed => 0, CircuitState.HalfOpen => 1, _ => 2 }, null, "The uplink's circuit breaker: 0 closed, 1 half-open, 2 open.");
            _meter.CreateObservableGauge("hybrid.uplink.held", () => uplink.Held is null ? 0 : 1, null, "1 while the uplink holds for a setting to fix (wrong key or URL).");
        }

        var lineSources = (exec?.Counters ?? new Dictionary<string, LineSourceCounters>()).ToList();
        if (stdin is not null)
        {
            lineSources.Add(new KeyValuePair<string, LineSourceCounters>("stdin", stdin.Counters));
        }

        if (lineSources.Count > 0)
        {
            _meter.CreateObservableCounter("hybrid.capture.lines", () => lineSources.SelectMany(s => LineOutcomes(s.Key, s.Value)), "{line}", "Lines read by exec and stdin sources, by outcome.");
        }
    }

    public void Dispose() => _meter.Dispose();

    private static Measurement<long> Tagged(long value, string key, string tag) => new(value, new KeyValuePair<string, object?>(key, tag));

    private static IEnumerable<Measurement<long>> Lanes(ReadingStore store, Func<LaneState, long> value) =>
        store.IsOpen ? [Tagged(value(store.GetLane(Lane.High)), "lane", Lane.High.Name()), Tagged(value(store.GetLane(Lane.Normal)), "lane", Lane.Normal.Name())] : [];

    private static IEnumerable<Measurement<long>> Backlogs(ReadingStore store)
    {
        if (!store.IsOpen)
        {
            yield break;
        }

        foreach (var name in store.EnabledSinks)
        {
            var sink = store.GetSink(name);
            foreach (var lane in (Lane[])[Lane.High, Lane.Normal])
            {
                yield return new Measurement<long>(
                    store.GetLane(lane).BacklogAfter(sink.GetCursor(lane)),
                    new KeyValuePair<string, object?>("sink", name),
                    new KeyValuePair<string, object?>("lane", lane.Name()));
            }
        }
    }

    private static IEnumerable<Measurement<long>> UplinkItems(UplinkStatus uplink) =>
    [
        Tagged(uplink.Sent, "outcome", "sent"),
        Tagged(uplink.Acknowledged, "outcome", "acknowledged"),
        Tagged(uplink.Accepted, "outcome", "accepted"),
        Tagged(uplink.Duplicates, "outcome", "duplicate"),
        Tagged(uplink.DeadLettered, "outcome", "dead_lettered"),
    ];

    private static IEnumerable<Measurement<long>> LineOutcomes(string source, LineSourceCounters counters) =>
    [
        new(counters.Lines, new("source", source), new("outcome", "read")),
        new(counters.Readings, new("source", source), new("outcome", "stored")),
        new(counters.Refused, new("source", source), new("outcome", "refused")),
        new(counters.Dropped, new("source", source), new("outcome", "dropped")),
    ];
}
