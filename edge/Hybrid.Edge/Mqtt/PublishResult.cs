namespace Hybrid.Edge.Mqtt;

/// <summary>How a publish (or subscribe) ended.</summary>
internal enum PublishStatus
{
    /// <summary>Acknowledged by the broker (QoS ≥ 1) or written to the socket (QoS 0).</summary>
    Acknowledged,

    /// <summary>Not sent because there is no connection; send it again once connected.</summary>
    NotConnected,

    /// <summary>Refused for good (bad topic, payload too large, MQTT 5 negative reason code, …).</summary>
    Rejected,
}

/// <summary>Result of <see cref="IMqttClient.PublishAsync"/>; <see cref="Error"/> explains a non-acknowledged outcome.</summary>
internal readonly record struct PublishResult(PublishStatus Status, string? Error)
{
    public static PublishResult Acknowledged => new(PublishStatus.Acknowledged, null);

    public static PublishResult NotConnected => new(PublishStatus.NotConnected, "not connected to the broker");

    public static PublishResult Rejected(string error) => new(PublishStatus.Rejected, error);
}
