using System.Threading.Channels;

namespace Hybrid.Edge.Mqtt;

/// <summary>
/// Our small async MQTT client. After <see cref="ConnectAsync"/> it stays connected by itself: a lost connection is
/// re-established with exponential backoff and jitter until <see cref="DisconnectAsync"/> or disposal.
/// All members are thread-safe.
/// </summary>
internal interface IMqttClient : IAsyncDisposable
{
    /// <summary>The current connection state.</summary>
    MqttConnectionState State { get; }

    /// <summary>Raised (on a thread-pool thread) whenever <see cref="State"/> changes or a connection attempt fails.</summary>
    event EventHandler<MqttConnectionEventArgs>? ConnectionChanged;

    /// <summary>Messages of the subscriptions, in arrival order.</summary>
    ChannelReader<MqttMessage> Messages { get; }

    /// <summary>
    /// Starts connecting and completes with the outcome of the first attempt (CONNACK accepted, or the reason it
    /// failed). Attempts continue in the background either way.
    /// </summary>
    Task<MqttConnectResult> ConnectAsync(CancellationToken cancellationToken);

    /// <summary>Waits until the client is connected.</summary>
    Task WaitUntilConnectedAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Publishes one message. Completes when the broker acknowledged it (PUBACK for QoS 1, PUBCOMP for QoS 2) or,
    /// for QoS 0, when it was written to the socket. QoS ≥ 1 messages published while disconnected are kept by the
    /// client and sent after the reconnect.
    /// </summary>
    Task<PublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, int qos, bool retain, CancellationToken cancellationToken);

    /// <summary>Subscribes to <paramref name="filter"/> (renewed after every reconnect); false with the reason when refused.</summary>
    Task<PublishResult> SubscribeAsync(string filter, int qos, CancellationToken cancellationToken);

    /// <summary>Publishes the retained <c>offline</c> status (when configured), disconnects cleanly and stops reconnecting.</summary>
    Task DisconnectAsync(CancellationToken cancellationToken);
}
