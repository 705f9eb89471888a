namespace Hybrid.Functions.Ingest;

/// <summary>Ingest log events, ids 4000-4999. Function keys and payloads are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4000, EventName = "Ingested", Level = LogLevel.Information,
        Message = "Ingest {Device}/{Epoch}: {Items} items, {Accepted} accepted, {Duplicates} duplicates, {Rejected} rejected, watermark {Watermark}, {DurationMs:F1} ms")]
    public static partial void Ingested(ILogger logger, string device, string epoch, int items, int accepted, int duplicates, int rejected, long watermark, double durationMs);

    [LoggerMessage(EventId = 4001, EventName = "RequestRefused", Level = LogLevel.Warning,
        Message = "Ingest refused with {StatusCode}: {Reason}")]
    public static partial void RequestRefused(ILogger logger, int statusCode, string reason);

    [LoggerMessage(EventId = 4002, EventName = "ClaimBusy", Level = LogLevel.Information,
        Message = "Ingest {Device}/{Epoch}: another request holds the claim on seqs after {Watermark} through {ClaimThrough}; answered 409")]
    public static partial void ClaimBusy(ILogger logger, string device, string epoch, long watermark, long claimThrough);

    [LoggerMessage(EventId = 4003, EventName = "ClaimTakenOver", Level = LogLevel.Warning,
        Message = "Ingest {Device}/{Epoch}: taking over expired claim {ClaimId} on seqs after {Watermark} through {ClaimThrough} (expired {Expired:O}); its owner gave up or died")]
    public static partial void ClaimTakenOver(ILogger logger, string device, string epoch, string claimId, long watermark, long claimThrough, DateTimeOffset expired);

    [LoggerMessage(EventId = 4004, EventName = "ClaimLost", Level = LogLevel.Warning,
        Message = "Ingest {Device}/{Epoch}: claim {ClaimId} expired and was taken over before it completed; seqs after {Watermark} through {Through} are enqueued but may be enqueued twice. Raise Hybrid:Ingest:ClaimDuration if requests take this long")]
    public static partial void ClaimLost(ILogger logger, string device, string epoch, string claimId, long watermark, long through);

    [LoggerMessage(EventId = 4005, EventName = "ReleaseFailed", Level = LogLevel.Warning,
        Message = "Ingest {Device}/{Epoch}: could not release claim {ClaimId} after a failed send ({Error}); it expires on its own")]
    public static partial void ReleaseFailed(ILogger logger, string device, string epoch, string claimId, string error);

    [LoggerMessage(EventId = 4006, EventName = "RaiseGaveUp", Level = LogLevel.Warning,
        Message = "Ingest {Device}/{Epoch}: gave up raising the watermark to {Watermark} after repeated races; a later request raises it")]
    public static partial void RaiseGaveUp(ILogger logger, string device, string epoch, long watermark);

    [LoggerMessage(EventId = 4007, EventName = "CompleteFailed", Level = LogLevel.Warning,
        Message = "Ingest {Device}/{Epoch}: everything through {Watermark} is enqueued but the watermark could not be stored ({Error}); answered 200, the claim expires on its own")]
    public static partial void CompleteFailed(ILogger logger, string device, string epoch, long watermark, string error);

    [LoggerMessage(EventId = 4008, EventName = "StorageUnavailable", Level = LogLevel.Warning,
        Message = "Ingest {Device}/{Epoch}: storage unavailable ({Error}) after {DurationMs:F1} ms; answered 503")]
    public static partial void StorageUnavailable(ILogger logger, string device, string epoch, string error, double durationMs);
}
