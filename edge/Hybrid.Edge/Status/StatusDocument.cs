using Hybrid.Edge.Store;

namespace Hybrid.Edge.Status;

/// <summary>
/// What <c>GET /status</c> answers: the store as <c>hybrid-edge status</c> shows it from the file, plus what only the
/// running agent knows: uptime, the MQTT connection, the uplink's breaker and counters, capture rates.
/// </summary>
internal sealed record StatusDocument(
    string Device,
    double UptimeSeconds,
    StoreReport Store,
    MqttStatusDocument? Mqtt,
    UplinkStatusDocument? Uplink,
    IReadOnlyList<CaptureStatusDocument> Capture);

/// <summary>The MQTT sink's connection and counters.</summary>
internal sealed record MqttStatusDocument(string Connection, long Published, long Acknowledged, int Inflight, long Resent);

/// <summary>The uplink's breaker, hold reason, last error and counters.</summary>
internal sealed record UplinkStatusDocument(string Breaker, string? Held, string? LastError, long Sent, long Acknowledged, long Accepted, long Duplicates, long DeadLettered, long Retries);

/// <summary>One capture source: lines read, readings stored, lines refused, readings dropped.</summary>
internal sealed record CaptureStatusDocument(string Source, long Lines, long Readings, long Refused, long Dropped);
