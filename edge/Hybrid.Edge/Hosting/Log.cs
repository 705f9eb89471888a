using Microsoft.Extensions.Logging;

namespace Hybrid.Edge.Hosting;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, EventName = "AgentStarting", Level = LogLevel.Information,
        Message = "Hybrid edge agent {Version} starting: device {DeviceId}, data directory {DataDirectory}")]
    public static partial void AgentStarting(ILogger logger, string version, string deviceId, string dataDirectory);

    [LoggerMessage(EventId = 2, EventName = "AgentStopping", Level = LogLevel.Information,
        Message = "Hybrid edge agent stopping")]
    public static partial void AgentStopping(ILogger logger);

    [LoggerMessage(EventId = 3, EventName = "AgentStopped", Level = LogLevel.Information,
        Message = "Hybrid edge agent stopped")]
    public static partial void AgentStopped(ILogger logger);

    [LoggerMessage(EventId = 10, EventName = "ComponentRestarting", Level = LogLevel.Error,
        Message = "{Component} failed and restarts in {Delay} (from its saved position; nothing is skipped)")]
    public static partial void ComponentRestarting(ILogger logger, string component, TimeSpan delay, Exception exception);
}
