namespace Hybrid.Functions.Storage;

/// <summary>Storage client log messages (event ids 3000-3999).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3000, EventName = "StorageConfigured", Level = LogLevel.Information,
        Message = "Storage account {Account}: queues {QueueEndpoint}, tables {TableEndpoint}, authorization {Authorization}, {Attempts} attempt(s) per call")]
    public static partial void StorageConfigured(ILogger logger, string account, Uri queueEndpoint, Uri tableEndpoint, string authorization, int attempts);

    [LoggerMessage(EventId = 3002, EventName = "StorageUnavailable", Level = LogLevel.Error,
        Message = "Storage {Operation} unavailable: {Reason}")]
    public static partial void StorageUnavailable(ILogger logger, string operation, string reason);

    [LoggerMessage(EventId = 3003, EventName = "QueueCreated", Level = LogLevel.Information,
        Message = "Created queue {Queue}")]
    public static partial void QueueCreated(ILogger logger, string queue);

    [LoggerMessage(EventId = 3004, EventName = "TableCreated", Level = LogLevel.Information,
        Message = "Created table {Table}")]
    public static partial void TableCreated(ILogger logger, string table);

    [LoggerMessage(EventId = 3005, EventName = "StorageRequestFailed", Level = LogLevel.Error,
        Message = "Storage {Operation} answered {Status} {ErrorCode}")]
    public static partial void StorageRequestFailed(ILogger logger, string operation, int status, string? errorCode);

    [LoggerMessage(EventId = 3006, EventName = "StorageHealthFailed", Level = LogLevel.Warning,
        Message = "Storage health check failed: {Reason}")]
    public static partial void StorageHealthFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3007, EventName = "LedgerUnreadable", Level = LogLevel.Error,
        Message = "Table {Table} entity {Device}/{Epoch}: its Ledger property is not a delivery ledger; read as everything through watermark {Watermark} (seqs of the lost ranges may be enqueued again)")]
    public static partial void LedgerUnreadable(ILogger logger, string table, string device, string epoch, long watermark);
}
