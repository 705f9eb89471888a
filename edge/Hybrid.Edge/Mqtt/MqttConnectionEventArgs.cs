namespace Hybrid.Edge.Mqtt;

/// <summary>A connection state change; <see cref="Error"/> says why when a connection failed or was lost.</summary>
internal sealed class MqttConnectionEventArgs(MqttConnectionState state, string? error, TimeSpan? nextAttemptIn) : EventArgs
{
    public MqttConnectionState State { get; } = state;

    /// <summary>One-line reason of a failure or loss, null for a plain state change.</summary>
    public string? Error { get; } = error;

    /// <summary>When disconnected: the backoff delay before the next attempt.</summary>
    public TimeSpan? NextAttemptIn { get; } = nextAttemptIn;
}
