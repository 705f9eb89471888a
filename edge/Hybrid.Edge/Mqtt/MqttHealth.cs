using System.Buffers;
using System.Text.Json;
using Hybrid.Edge.Sinks;
using Hybrid.Edge.Store;

namespace Hybrid.Edge.Mqtt;

/// <summary>
/// The periodic health message on <c>{prefix}/{device}/health</c>: uptime, connection, the backlog of every sink
/// of the store, and the MQTT sink's counters and rates since the previous message.
/// </summary>
internal sealed class MqttHealth(string device, MqttSinkCounters? counters, ReadingStore? store, IEnumerable<ISinkStatus> statuses, TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();
    private long _lastAt = time.GetTimestamp();
    private long _lastPublished;
    private long _lastAcknowledged;

    public async ValueTask<byte[]> NextAsync(MqttConnectionState state, CancellationToken cancellationToken)
    {
        var stats = store is { IsOpen: true } ? await store.GetStatsAsync(cancellationToken).ConfigureAwait(false) : null;
        var elapsed = time.GetElapsedTime(_lastAt).TotalSeconds;
        _lastAt = time.GetTimestamp();
        var published = counters?.Published ?? 0;
        var acknowledged = counters?.Acknowledged ?? 0;
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("device"u8, device);
            ReadingJson.WriteTimestamp(json, time.GetUtcNow());
            json.WriteNumber("uptimeSeconds"u8, Math.Round(time.GetElapsedTime(_started).TotalSeconds));
            json.WriteString("connection"u8, state.ToString().ToLowerInvariant());
            json.WriteStartObject("backlog"u8);
            foreach (var sink in stats?.Sinks ?? [])
            {
                json.WriteNumber(sink.Sink, sink.Backlog);
            }

            json.WriteEndObject();
            json.WriteStartObject("sinks"u8);
            foreach (var sink in stats?.Sinks ?? [])
            {
                json.WriteStartObject(sink.Sink);
                WriteLane(json, "high"u8, sink.High);
                WriteLane(json, "normal"u8, sink.Normal);
                json.WriteNumber("deadLetters"u8, sink.DeadLetters);
                foreach (var status in statuses)
                {
                    if (status.Sink == sink.Sink)
                    {
                        status.WriteTo(json);
                    }
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteStartObject("mqtt"u8);
            json.WriteNumber("published"u8, published);
            json.WriteNumber("acknowledged"u8, acknowledged);
            json.WriteNumber("inflight"u8, counters?.Inflight ?? 0);
            json.WriteNumber("resent"u8, counters?.Resent ?? 0);
            json.WriteNumber("deadLettered"u8, counters?.DeadLettered ?? 0);
            json.WriteNumber("publishedPerSecond"u8, elapsed > 0 ? Math.Round((published - _lastPublished) / elapsed, 1) : 0);
            json.WriteNumber("acknowledgedPerSecond"u8, elapsed > 0 ? Math.Round((acknowledged - _lastAcknowledged) / elapsed, 1) : 0);
            json.WriteEndObject();
            if (stats is not null)
            {
                json.WriteNumber("captured"u8, stats.Written);
                json.WriteNumber("dropped"u8, stats.Dropped.Values.Sum());
            }

            json.WriteEndObject();
        }

        _lastPublished = published;
        _lastAcknowledged = acknowledged;
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteLane(Utf8JsonWriter json, ReadOnlySpan<byte> name, SinkLaneStats lane)
    {
        json.WriteStartObject(name);
        json.WriteNumber("cursor"u8, lane.Cursor);
        json.WriteNumber("backlog"u8, lane.Backlog);
        if (lane.OldestAge is { } age)
        {
            json.WriteNumber("oldestAgeSeconds"u8, Math.Round(age.TotalSeconds, 1));
        }

        json.WriteEndObject();
    }
}
