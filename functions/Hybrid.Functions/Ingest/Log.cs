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
        Message = "Ingest {Device}/{Epoch}: another request holds the claim on seqs {ClaimSeqs} (watermark {Watermark}); answered 409")]
    public static partial void ClaimBusy(ILogger logger, string device, string epoch, long watermark, string claimSeqs);

    [LoggerMessage(EventId = 4003, EventName = "ClaimTakenOver", Level = LogLevel.Warning,
        Message = "Ingest {Device}/{Epoch}: taking over expired claim {ClaimId} on seqs {ClaimSeqs} (watermark {Watermark}, expired {Expired:O}); its owner gave up or died")]
    public static partial void ClaimTakenOver(ILogger logger, string device, string epoch, string claimId, long watermark, string claimSeqs, DateTimeOffset expired);

    [LoggerMessage(EventId = 4004, EventName = "ClaimLost", Level = LogLevel.Warning,
        Message = "Ingest {Device}/{Epoch}: claim {ClaimId} expired and was taken over before it completed; seqs {Seqs} (watermark {Watermark}) are enqueued but may be enqueued twice. Raise Hybrid:Ingest:ClaimDuration if requests take this long")]
    public static partial void ClaimLost(ILogger logger, string device, string epoch, string claimId, long watermark, string seqs);

    [LoggerMessage(EventId = 4005, EventName = "ReleaseFailed", Level = LogLevel.Warning,
        Message = "Ingest {Device}/{Epoch}: could not release claim {ClaimId} after a failed send ({Error}); it expires on its own")]
    public static partial void ReleaseFailed(ILogger logger, string device, string epoch, string claimId, string error);

    [LoggerMessage(EventId = 4006, EventName = "MergeGaveUp", Level = LogLevel.Warning,
        Message = "Ingest {Device}/{Epoch}: gave up recording enqueued seqs {Seqs} after repeated races; a resend of them may be enqueued again")]
    public static partial void MergeGaveUp(ILogger logger, string device, string epoch, string seqs);

    [LoggerMessage(EventId = 4007, EventName = "CompleteFailed", Level = LogLevel.Warning,
        Message = "Ingest {Device}/{Epoch}: seqs {Seqs} are enqueued but could not be recorded ({Error}); answered 200, the claim expires on its own")]
    public static partial void CompleteFailed(ILogger logger, string device, string epoch, string seqs, string error);

    [LoggerMessage(EventId = 4008, EventName = "StorageUnavailable", Level = LogLevel.Warning,
        Message = "Ingest {Device}/{Epoch}: storage unavailable ({Error}) after {DurationMs:F1} ms; answered 503")]
    public static partial void StorageUnavailable(ILogger logger, string device, string epoch, string error, double durationMs);

    [LoggerMessage(EventId = 4009, EventName = "GapsClosed", Level = LogLevel.Warning,
        Message = "Ingest {Device}/{Epoch}: closed {Gaps} gaps ({Seqs} seqs never received) moving the watermark to {Watermark}: the sender settled them (settledThrough) or more than Hybrid:Ingest:MaxDeliveredRanges ranges were open. A seq from them arriving later is refused as late, not enqueued")]
    public static partial void GapsClosed(ILogger logger, string device, string epoch, int gaps, long seqs, long watermark);

    [LoggerMessage(EventId = 4010, EventName = "DeviceBusy", Level = LogLevel.Information,
        Message = "Ingest {Device}/{Epoch}: another request for this device held this instance's turn for longer than {Wait}; answered 409")]
    public static partial void DeviceBusy(ILogger logger, string device, string epoch, TimeSpan wait);
}
