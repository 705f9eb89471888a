namespace Hybrid.Edge.Mqtt;

/// <summary>Outcome of a connection attempt: connected, or the one-line reason it failed.</summary>
internal readonly record struct MqttConnectResult(bool Connected, string? Error)
{
    public static MqttConnectResult Success => new(true, null);

    public static MqttConnectResult Failure(string error) => new(false, error);
}
