using Microsoft.Extensions.Logging;

namespace Hybrid.Edge.Sinks;

internal static partial class Log
{
    [LoggerMessage(EventId = 4000, EventName = "DeadLetterRetryDelivered", Level = LogLevel.Information,
        Message = "{Sink}: retried dead letter {Lane} seq {Seq} ({Type}) delivered")]
    public static partial void RetryDelivered(ILogger logger, string sink, string lane, long seq, string type);

    [LoggerMessage(EventId = 4001, EventName = "DeadLetterRetryRefused", Level = LogLevel.Warning,
        Message = "{Sink}: retried dead letter {Lane} seq {Seq} ({Type}) refused again, kept as a dead letter: {Reason}")]
    public static partial void RetryRefused(ILogger logger, string sink, string lane, long seq, string type, string reason);
}
