namespace Hybrid.Edge.Store;

/// <summary>Why a reading was dropped before every sink had it. Every drop is counted under one of these.</summary>
internal enum DropReason
{
    /// <summary>The capture → writer channel was full: the writer could not keep up.</summary>
    ChannelFull = 0,

    /// <summary><c>MaxRows</c> or <c>MaxBytes</c> reached.</summary>
    Capacity = 1,

    /// <summary>Older than <c>Ttl</c>.</summary>
    Ttl = 2,

    /// <summary>The file system was below the free-disk floor.</summary>
    DiskFloor = 3,

    /// <summary>SQLite reported the disk full and drop-oldest made room, or the agent stopped while the disk was full.</summary>
    DiskFull = 4,

    /// <summary>Written after the store stopped.</summary>
    Stopped = 5,
}
