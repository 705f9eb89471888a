using System.Globalization;
using System.Text;
using System.Text.Json;
using Hybrid.Edge.Sinks;

namespace Hybrid.Edge.Mqtt;

/// <summary>
/// The MQTT sink's live state for the stats line, the status endpoint and metrics: the connection of the current run
/// and its counters (both change when the supervised sink starts again).
/// </summary>
internal sealed class MqttStatus : ISinkStatus
{
    private MqttSinkCounters? _counters;
    private IMqttClient? _client;

    public string Sink => MqttSinkService.SinkName;

    /// <summary>The current run's counters, or null before the first connection.</summary>
    public MqttSinkCounters? Counters => Volatile.Read(ref _counters);

    /// <summary>The connection state, <c>disconnected</c> between runs.</summary>
    public MqttConnectionState State => Volatile.Read(ref _client)?.State ?? MqttConnectionState.Disconnected;

    internal void Attach(MqttSinkCounters? counters, IMqttClient client)
    {
        Volatile.Write(ref _counters, counters);
        Volatile.Write(ref _client, client);
    }

    internal void Detach() => Volatile.Write(ref _client, null);

    public void AppendTo(StringBuilder line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var counters = Counters;
        line.Append(CultureInfo.InvariantCulture,
            $"{State.ToString().ToLowerInvariant()} published {counters?.Published ?? 0} acked {counters?.Acknowledged ?? 0} inflight {counters?.Inflight ?? 0} resent {counters?.Resent ?? 0}");
    }

    public void WriteTo(Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var counters = Counters;
        json.WriteString("connection"u8, State.ToString().ToLowerInvariant());
        json.WriteNumber("published"u8, counters?.Published ?? 0);
        json.WriteNumber("acknowledged"u8, counters?.Acknowledged ?? 0);
        json.WriteNumber("inflight"u8, counters?.Inflight ?? 0);
        json.WriteNumber("resent"u8, counters?.Resent ?? 0);
        json.WriteNumber("deadLettered"u8, counters?.DeadLettered ?? 0);
    }
}
