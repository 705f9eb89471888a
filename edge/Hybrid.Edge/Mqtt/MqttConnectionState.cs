namespace Hybrid.Edge.Mqtt;

/// <summary>Connection states of an <see cref="IMqttClient"/>.</summary>
internal enum MqttConnectionState
{
    /// <summary>Not connected; waiting for the next attempt (or stopped).</summary>
    Disconnected,

    /// <summary>TCP/TLS connect done or in progress, waiting for the CONNACK.</summary>
    Connecting,

    /// <summary>CONNACK accepted.</summary>
    Connected,
}
