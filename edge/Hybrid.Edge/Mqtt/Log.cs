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

    [LoggerMessage(EventId = 2003, EventName = "MqttHandlerFailed", Level = LogLevel.Error,
        Message = "MQTT connection event handler failed")]
    public static partial void MqttHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2010, EventName = "MqttReadingRejected", Level = LogLevel.Warning,
        Message = "MQTT sink dead-lettered reading {Seq} ({Type}): {Reason}")]
    public static partial void MqttReadingRejected(ILogger logger, long seq, string type, string reason);

    [LoggerMessage(EventId = 2011, EventName = "MqttSinkNoStore", Level = LogLevel.Warning,
        Message = "MQTT sink: no store is registered; only the status and health topics are published")]
    public static partial void MqttSinkNoStore(ILogger logger);

    [LoggerMessage(EventId = 2012, EventName = "MqttConfigurationError", Level = LogLevel.Error,
        Message = "MQTT {Role} not started: {Reason}")]
    public static partial void MqttConfigurationError(ILogger logger, string role, string reason);

    [LoggerMessage(EventId = 2014, EventName = "MqttDisconnected", Level = LogLevel.Information,
        Message = "MQTT {Role} disconnected")]
    public static partial void MqttDisconnected(ILogger logger, string role);

    [LoggerMessage(EventId = 2020, EventName = "MqttCaptureNoStore", Level = LogLevel.Warning,
        Message = "MQTT capture: no store is registered (IReadingWriter); messages are not captured")]
    public static partial void MqttCaptureNoStore(ILogger logger);

    [LoggerMessage(EventId = 2021, EventName = "MqttCaptureSubscribeFailed", Level = LogLevel.Warning,
        Message = "MQTT capture: subscription to {Filter} refused: {Reason}")]
    public static partial void MqttCaptureSubscribeFailed(ILogger logger, string filter, string reason);

    [LoggerMessage(EventId = 2022, EventName = "MqttCaptureDropped", Level = LogLevel.Warning,
        Message = "MQTT capture: the store's writer is full; dropped a message on {Topic}")]
    public static partial void MqttCaptureDropped(ILogger logger, string topic);

    [LoggerMessage(EventId = 2023, EventName = "MqttReceiveChannelFull", Level = LogLevel.Warning,
        Message = "MQTT client {ClientId}: received messages dropped because the reader fell behind (receive capacity {Capacity}); {Dropped} dropped so far, latest on '{Topic}'")]
    public static partial void MqttReceiveChannelFull(ILogger logger, string clientId, int capacity, long dropped, string topic);
}
