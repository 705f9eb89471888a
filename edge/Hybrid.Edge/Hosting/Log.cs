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

    [LoggerMessage(EventId = 20, EventName = "WatchdogEnabled", Level = LogLevel.Information,
        Message = "systemd watchdog: fed every half of {Interval} while the store takes readings")]
    public static partial void WatchdogEnabled(ILogger logger, TimeSpan interval);

    [LoggerMessage(EventId = 21, EventName = "WatchdogStarved", Level = LogLevel.Critical,
        Message = "systemd watchdog: the store's writer has stopped; no longer feeding the watchdog, so systemd restarts the agent")]
    public static partial void WatchdogStarved(ILogger logger);
}
