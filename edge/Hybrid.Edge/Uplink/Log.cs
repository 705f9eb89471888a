using Microsoft.Extensions.Logging;

namespace Hybrid.Edge.Uplink;

internal static partial class Log
{
    [LoggerMessage(EventId = 3000, EventName = "UplinkStarted", Level = LogLevel.Information,
        Message = "uplink forwarding to {Endpoint}: batches of up to {MaxItems} readings, linger {Linger}")]
    public static partial void UplinkStarted(ILogger logger, string endpoint, int maxItems, TimeSpan linger);

    [LoggerMessage(EventId = 3001, EventName = "UplinkRetrying", Level = LogLevel.Warning,
        Message = "uplink: {Lane} batch seq {First}..{Last} ({Count} readings) not delivered: {Reason}; attempt {Attempt} follows in {Delay}")]
    public static partial void UplinkRetrying(ILogger logger, string lane, long first, long last, int count, string reason, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 3002, EventName = "UplinkBreakerOpened", Level = LogLevel.Warning,
        Message = "uplink circuit breaker open for {BreakDuration} after repeated failures (last: {Reason}); the backlog grows in the store meanwhile")]
    public static partial void UplinkBreakerOpened(ILogger logger, TimeSpan breakDuration, string reason);

    [LoggerMessage(EventId = 3003, EventName = "UplinkBreakerHalfOpen", Level = LogLevel.Information,
        Message = "uplink circuit breaker half-open: trying one batch")]
    public static partial void UplinkBreakerHalfOpen(ILogger logger);

    [LoggerMessage(EventId = 3004, EventName = "UplinkBreakerClosed", Level = LogLevel.Information,
        Message = "uplink circuit breaker closed: the Function answers again")]
    public static partial void UplinkBreakerClosed(ILogger logger);

    [LoggerMessage(EventId = 3005, EventName = "UplinkHeld", Level = LogLevel.Error,
        Message = "uplink held: {Reason}. Nothing is advanced or dead-lettered while held; fix the setting and restart the agent. Trying again about every {Interval}")]
    public static partial void UplinkHeld(ILogger logger, string reason, TimeSpan interval);

    [LoggerMessage(EventId = 3006, EventName = "UplinkResumed", Level = LogLevel.Information,
        Message = "uplink resumed: the Function accepted a batch again")]
    public static partial void UplinkResumed(ILogger logger);

    [LoggerMessage(EventId = 3007, EventName = "UplinkDeadLettered", Level = LogLevel.Warning,
        Message = "uplink: the Function refused {Lane} seq {Seq} ({Type}) for good; dead-lettered: {Reason}")]
    public static partial void UplinkDeadLettered(ILogger logger, string lane, long seq, string type, string reason);

    [LoggerMessage(EventId = 3008, EventName = "UplinkSplitting", Level = LogLevel.Warning,
        Message = "uplink: HTTP {Status} for {Lane} batch seq {First}..{Last} ({Count} readings): {Reason}; sending it in two halves")]
    public static partial void UplinkSplitting(ILogger logger, int status, string lane, long first, long last, int count, string reason);

    [LoggerMessage(EventId = 3009, EventName = "UplinkNoStore", Level = LogLevel.Warning,
        Message = "uplink: no store is registered; nothing to forward")]
    public static partial void UplinkNoStore(ILogger logger);

    [LoggerMessage(EventId = 3010, EventName = "UplinkStoppedInFlight", Level = LogLevel.Information,
        Message = "uplink stopped before the Function answered the batch in flight; it is sent again at the next start (the Function drops what it already has)")]
    public static partial void UplinkStoppedInFlight(ILogger logger);
}
