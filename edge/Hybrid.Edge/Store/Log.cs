using Microsoft.Extensions.Logging;

namespace Hybrid.Edge.Store;

/// <summary>The store's log events (ids 1000-1999).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, EventName = "StoreOpened", Level = LogLevel.Information,
        Message = "Store {Path} open: high lane epoch {EpochHigh} seq {HeadHigh} ({RowsHigh} rows), normal lane epoch {EpochNormal} seq {HeadNormal} ({RowsNormal} rows), sinks [{Sinks}]")]
    public static partial void StoreOpened(ILogger logger, string path, string epochHigh, long headHigh, long rowsHigh, string epochNormal, long headNormal, long rowsNormal, string sinks);

    [LoggerMessage(EventId = 1001, EventName = "StoreQuarantined", Level = LogLevel.Error,
        Message = "Store {Path} is damaged ({Problem}); moved it to {MovedTo} and started a fresh store with new epochs. Readings in the old file were not forwarded; inspect it with sqlite3")]
    public static partial void StoreQuarantined(ILogger logger, string path, string movedTo, string problem);

    [LoggerMessage(EventId = 1002, EventName = "DeviceIdChanged", Level = LogLevel.Warning,
        Message = "Store was written for device {OldDeviceId}; Hybrid:Agent:DeviceId is now {DeviceId}, which the store uses from now on")]
    public static partial void DeviceIdChanged(ILogger logger, string oldDeviceId, string deviceId);

    [LoggerMessage(EventId = 1003, EventName = "DiskFull", Level = LogLevel.Error,
        Message = "Store {Path}: the disk is full; holding {Readings} readings and retrying every {RetryInterval} (capture drops are counted while this lasts). Free space on the data directory's file system")]
    public static partial void DiskFull(ILogger logger, string path, int readings, TimeSpan retryInterval);

    [LoggerMessage(EventId = 1004, EventName = "DiskFullRecovered", Level = LogLevel.Warning,
        Message = "Store {Path}: writing again after the disk was full")]
    public static partial void DiskFullRecovered(ILogger logger, string path);

    [LoggerMessage(EventId = 1005, EventName = "BelowDiskFloor", Level = LogLevel.Warning,
        Message = "Store: only {FreeBytes} bytes free, below the floor of {FloorBytes} (Hybrid:Store:MinFreeDiskPercent/MinFreeDiskBytes); new normal readings are dropped per {Policy}")]
    public static partial void BelowDiskFloor(ILogger logger, long freeBytes, long floorBytes, string policy);

    [LoggerMessage(EventId = 1006, EventName = "AboveDiskFloor", Level = LogLevel.Information,
        Message = "Store: {FreeBytes} bytes free, above the floor of {FloorBytes} again")]
    public static partial void AboveDiskFloor(ILogger logger, long freeBytes, long floorBytes);

    [LoggerMessage(EventId = 1007, EventName = "StoreOpenDiskFull", Level = LogLevel.Error,
        Message = "Store {Path} cannot be opened because the disk is full; retrying in {RetryInterval}")]
    public static partial void StoreOpenDiskFull(ILogger logger, string path, TimeSpan retryInterval);

    [LoggerMessage(EventId = 1008, EventName = "WriterFailed", Level = LogLevel.Critical,
        Message = "Store writer stopped on an unexpected error; readings are no longer stored")]
    public static partial void WriterFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1009, EventName = "StoreStats", Level = LogLevel.Information,
        Message = "store: {Line}")]
    public static partial void StoreStats(ILogger logger, string line);

    [LoggerMessage(EventId = 1010, EventName = "StoreClosed", Level = LogLevel.Information,
        Message = "Store {Path} closed: {Written} readings written this run")]
    public static partial void StoreClosed(ILogger logger, string path, long written);
}
