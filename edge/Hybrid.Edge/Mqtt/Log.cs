using Microsoft.Extensions.Logging;

namespace Hybrid.Edge.Mqtt;

/// <summary>MQTT log messages, event ids 2000-2999.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2000, EventName = "MqttConnected", Level = LogLevel.Information,
        Message = "MQTT {Role} connected to {Endpoint} as {ClientId}")]
    public static partial void MqttConnected(ILogger logger, string role, string endpoint, string clientId);

    [LoggerMessage(EventId = 2001, EventName = "MqttConnectionFailed", Level = LogLevel.Warning,
        Message = "MQTT {Role}: {Reason}; next attempt in {NextAttempt}")]
    public static partial void MqttConnectionFailed(ILogger logger, string role, string reason, TimeSpan? nextAttempt);

    [LoggerMessage(EventId = 2002, EventName = "MqttLoopStuck", Level = LogLevel.Warning,
        Message = "MQTT client {ClientId}: network thread did not stop (blocked in connect); its native handle is left to the process exit")]
    public static partial void MqttLoopStuck(ILogger logger, string clientId);

    [LoggerMessage(EventId = 2003, EventName = "MqttHandlerFailed", Level = LogLevel.Error,
        Message = "MQTT connection event handler failed")]
    public static partial void MqttHandlerFailed(ILogger logger, Exception exception);
}
