using Hybrid.Edge.Store;

namespace Hybrid.Edge.Status;

/// <summary>
/// What <c>GET /status</c> and <c>hybrid-edge status --json</c> answer: the store, plus what only the running agent
/// knows (<see cref="Live"/>): uptime, the MQTT connection, the uplink's breaker and counters, capture sources. Read
/// from the file (no agent answering), <see cref="Live"/> is false and those are absent.
/// </summary>
internal sealed record StatusDocument(
    bool Live,
    string Device,
    double? UptimeSeconds,
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
