using Microsoft.Extensions.Logging;

namespace Hybrid.Edge.Status;

internal static partial class Log
{
    [LoggerMessage(EventId = 6000, EventName = "StatusEndpointStarted", Level = LogLevel.Information,
        Message = "status endpoint on {BaseUrl}: healthz, status, metrics")]
    public static partial void StatusEndpointStarted(ILogger logger, string baseUrl);

    [LoggerMessage(EventId = 6001, EventName = "StatusEndpointFailed", Level = LogLevel.Error,
        Message = "status endpoint not started on {BaseUrl}: {Reason}; check Hybrid:Status:Host and Hybrid:Status:Port (a free port), or set Hybrid:Status:Enabled to false. The agent runs on without it")]
    public static partial void StatusEndpointFailed(ILogger logger, string baseUrl, string reason);

    [LoggerMessage(EventId = 6002, EventName = "StatusRequestFailed", Level = LogLevel.Error,
        Message = "status endpoint: answering {Path} failed")]
    public static partial void StatusRequestFailed(ILogger logger, string path, Exception exception);
}
