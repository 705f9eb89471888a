using System.ComponentModel.DataAnnotations;

namespace Hybrid.Edge.Store;

/// <summary>Settings of the store-and-forward log, section <c>Hybrid:Store</c> (environment: <c>Hybrid__Store__*</c>).</summary>
internal sealed class StoreOptions
{
    public const string SectionName = "Hybrid:Store";

    /// <summary>File name of the database inside <c>Hybrid:Agent:DataDirectory</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Hybrid:Store:FileName is required, e.g. store.db.")]
    [RegularExpression(@"^[A-Za-z0-9._-]{1,100}$", ErrorMessage = "Hybrid:Store:FileName must be a plain file name such as store.db (letters, digits, . _ -).")]
    public string FileName { get; set; } = "store.db";

    /// <summary><c>Normal</c>: a commit survives a process crash (SIGKILL); <c>Full</c>: also a power loss (fsync per commit).</summary>
    public StoreSynchronous Synchronous { get; set; } = StoreSynchronous.Normal;

    /// <summary>Readings the capture → writer channel holds; when full, new readings are dropped and counted (<c>channel-full</c>).</summary>
    public int ChannelCapacity { get; set; } = 50_000;

    /// <summary>A group commit happens once this many readings have gathered …</summary>
    public int CommitMaxReadings { get; set; } = 2_000;

    /// <summary>… or once the first reading of the group has waited this long (fewer, larger commits spare the SD card).</summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Type patterns (<c>*</c> matches any run of characters) whose readings go to the high lane.</summary>
    public List<string> HighLanePatterns { get; set; } = [];

    /// <summary>Most readings kept (both lanes); beyond it <see cref="CapacityPolicy"/> applies.</summary>
    public long MaxRows { get; set; } = 5_000_000;

    /// <summary>Most reading bytes kept (both lanes; payload + type + source + key + 24 per row); beyond it <see cref="CapacityPolicy"/> applies.</summary>
    public long MaxBytes { get; set; } = 1L << 30;

    /// <summary><c>drop-oldest</c> (default) deletes the oldest undelivered readings, normal lane first; <c>reject-new</c> drops incoming ones.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Hybrid:Store:CapacityPolicy must be drop-oldest or reject-new.")]
    [RegularExpression("^(drop-oldest|reject-new)$", ErrorMessage = "Hybrid:Store:CapacityPolicy must be drop-oldest or reject-new.")]
    public string CapacityPolicy { get; set; } = "drop-oldest";

    /// <summary>Readings older than this (by their ts) are deleted even when undelivered, counted as <c>ttl</c>; <c>00:00:00</c> keeps them.</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Below this share of the file system free, new normal readings are dropped per policy (counted as <c>disk-floor</c>).</summary>
    public double MinFreeDiskPercent { get; set; } = 5.0;

    /// <summary>… and at least this many bytes free.</summary>
    public long MinFreeDiskBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>How often delivered rows are deleted and TTL, capacity and the disk floor are checked.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait before retrying a write that failed because the disk is full.</summary>
    public TimeSpan DiskFullRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the stats line is logged; <c>00:00:00</c> turns it off.</summary>
    public TimeSpan StatsInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Names of sinks that count for retention besides those registered in code (e.g. a sink that is temporarily off but must not lose readings).</summary>
    public List<string> Sinks { get; set; } = [];

    /// <summary>The high-lane patterns in effect: <see cref="HighLanePatterns"/>, or <c>alert.*</c> when none are configured.</summary>
    public IReadOnlyList<string> EffectiveHighLanePatterns => HighLanePatterns.Count > 0 ? HighLanePatterns : ["alert.*"];

    /// <summary>The parsed <see cref="CapacityPolicy"/>.</summary>
    public CapacityPolicy EffectiveCapacityPolicy => CapacityPolicy == "reject-new" ? Store.CapacityPolicy.RejectNew : Store.CapacityPolicy.DropOldest;

    /// <summary>Test seam: caps the database file at this many pages (SQLite <c>max_page_count</c>) to simulate a full disk; 0 = no cap.</summary>
    internal long MaxPageCount { get; set; }
}

/// <summary>SQLite <c>synchronous</c> levels offered for the WAL-mode store.</summary>
internal enum StoreSynchronous
{
    /// <summary>Commits survive a process crash; the last commits may be lost on power loss.</summary>
    Normal,

    /// <summary>Every commit is fsynced: survives power loss, slower on SD cards.</summary>
    Full,
}

/// <summary>What happens when the store is full.</summary>
internal enum CapacityPolicy
{
    /// <summary>Delete the oldest readings (normal lane first) to make room.</summary>
    DropOldest,

    /// <summary>Drop the incoming readings (a high reading may still evict the oldest normal one).</summary>
    RejectNew,
}
