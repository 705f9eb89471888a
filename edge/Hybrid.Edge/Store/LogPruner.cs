using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Hybrid.Edge.Store;

/// <summary>
/// Decides what leaves the log and deletes it inside the writer's open transaction, counting every reading lost
/// to a sink: capacity (<c>MaxRows</c>/<c>MaxBytes</c> under the policy), the free-disk floor, TTL, and the prefix
/// every sink has passed. The log stays contiguous: only prefixes are deleted, normal lane first.
/// </summary>
internal sealed class LogPruner(LaneCommands[] commands, StoreOptions options, TimeProvider time, ISinkCursors sinks, string storePath, ILogger logger)
{
    private volatile bool _belowDiskFloor;

    /// <summary>True while the file system is below the free-disk floor (checked at each retention run).</summary>
    public bool BelowDiskFloor => _belowDiskFloor;

    /// <summary>
    /// Whether a new reading is refused before it is written (<c>reject-new</c> when full; a normal reading below the
    /// floor under <c>reject-new</c>); a refused reading is counted in <paramref name="plan"/>'s drops. A high reading
    /// may still evict normal ones.
    /// </summary>
    public bool Refuses(GroupPlan plan, Lane lane, long bytes, bool belowFloor)
    {
        if (RefusalReason(plan, lane, bytes, belowFloor) is not { } reason)
        {
            return false;
        }

        plan.Drops[(int)reason]++;
        return true;
    }

    /// <summary>After a group's inserts: below the floor, one old normal reading out per new one in; then capacity.</summary>
    public void MakeRoom(SqliteTransaction transaction, GroupPlan plan, bool belowFloor)
    {
        if (belowFloor && plan.Normal.Appended > 0)
        {
            // Under drop-oldest (reject-new refused these above): the store must not grow below the floor.
            Evict(transaction, plan, Lane.Normal, plan.Normal.Appended, 0, DropReason.DiskFloor);
        }

        // Normal goes first; under reject-new only a high reading can get here, and it may evict normal ones only.
        foreach (var lane in (ReadOnlySpan<Lane>)[Lane.Normal, Lane.High])
        {
            var overRows = plan.TotalRows - options.MaxRows;
            var overBytes = plan.TotalBytes - options.MaxBytes;
            if ((overRows <= 0 && overBytes <= 0) || (lane == Lane.High && options.EffectiveCapacityPolicy == CapacityPolicy.RejectNew))
            {
                return;
            }

            Evict(transaction, plan, lane, Math.Max(overRows, 0), Math.Max(overBytes, 0), DropReason.Capacity);
        }
    }

    /// <summary>
    /// Deletes the oldest rows of <paramref name="lane"/> until at least <paramref name="rows"/> rows and
    /// <paramref name="bytes"/> bytes are gone (or the lane is empty); rows no sink has passed count as drops.
    /// </summary>
    public void Evict(SqliteTransaction transaction, GroupPlan plan, Lane lane, long rows, long bytes, DropReason reason) =>
        DeleteOldest(transaction, plan, lane, (taken, takenBytes, _) => taken < rows || takenBytes < bytes, reason);

    /// <summary>
    /// Most delivered rows one retention pass deletes per lane. A drained backlog of a million readings would otherwise
    /// go in one long transaction that holds the write lock (sinks' cursor saves wait behind it) and grows the WAL.
    /// </summary>
    public const long MaxDeliveredRowsPerPass = 20_000;

    /// <summary>
    /// Retention of one lane: what every enabled sink has passed (at most <see cref="MaxDeliveredRowsPerPass"/>), then
    /// readings older than the TTL. True when delivered rows are left for another pass.
    /// </summary>
    public bool Retain(SqliteTransaction transaction, GroupPlan plan, Lane lane)
    {
        var lanePlan = plan[lane];
        var more = false;
        if (sinks.MinCursor(lane) is { } passed && passed >= lanePlan.First)
        {
            var through = Math.Min(passed, lanePlan.Head);
            if (through - lanePlan.First + 1 > MaxDeliveredRowsPerPass)
            {
                through = lanePlan.First + MaxDeliveredRowsPerPass - 1;
                more = true;
            }

            var bytes = commands[(int)lane].PrefixBytes(transaction, through);
            DeletePrefix(transaction, plan, lane, through, bytes, reason: null);
        }

        if (options.Ttl > TimeSpan.Zero)
        {
            // The log is in capture order, so expired readings form a prefix; stopping at the first young one keeps
            // this a short range scan instead of a full-table one (a reading with a skewed clock only delays the cut).
            var cutoff = (time.GetUtcNow() - options.Ttl).ToUnixTimeMilliseconds();
            DeleteOldest(transaction, plan, lane, (_, _, ts) => ts < cutoff, DropReason.Ttl);
        }

        return more;
    }

    /// <summary>Re-reads the free space of the store's file system against the floor; logs a crossing.</summary>
    public void CheckDiskFloor()
    {
        if (options.MinFreeDiskBytes <= 0 && options.MinFreeDiskPercent <= 0)
        {
            return;
        }

        try
        {
            var drive = new DriveInfo(Path.GetDirectoryName(storePath)!);
            var floor = Math.Max((long)(drive.TotalSize * options.MinFreeDiskPercent / 100), options.MinFreeDiskBytes);
            var below = drive.AvailableFreeSpace < floor;
            if (below != _belowDiskFloor)
            {
                _belowDiskFloor = below;
                if (below)
                {
                    Log.BelowDiskFloor(logger, drive.AvailableFreeSpace, floor, options.CapacityPolicy);
                }
                else
                {
                    Log.AboveDiskFloor(logger, drive.AvailableFreeSpace, floor);
                }
            }
        }
        catch (IOException)
        {
            // statvfs failed (e.g. the mount vanished); the next commit reports the real error if there is one.
        }
    }

    /// <summary>
    /// Deletes the lane's oldest readings while <paramref name="more"/>(rows taken, bytes taken, next reading's ts)
    /// says so: one range scan from the first seq, then one prefix delete.
    /// </summary>
    private void DeleteOldest(SqliteTransaction transaction, GroupPlan plan, Lane lane, Func<long, long, long, bool> more, DropReason reason)
    {
        long cut = 0, rows = 0, bytes = 0;
        using (var reader = commands[(int)lane].ScanOldest(transaction, plan[lane].First))
        {
            while (reader.Read() && more(rows, bytes, reader.GetInt64(1)))
            {
                cut = reader.GetInt64(0);
                rows++;
                bytes += reader.GetInt64(2);
            }
        }

        if (rows > 0)
        {
            DeletePrefix(transaction, plan, lane, cut, bytes, reason);
        }
    }

    private void DeletePrefix(SqliteTransaction transaction, GroupPlan plan, Lane lane, long throughSeq, long bytes, DropReason? reason)
    {
        commands[(int)lane].DeletePrefix(transaction, throughSeq);
        var lanePlan = plan[lane];
        if (reason is { } r)
        {
            // Rows some enabled sink has not passed yet were lost to that sink; with no sink enabled, all were.
            var passed = sinks.MinCursor(lane) ?? 0;
            plan.Drops[(int)r] += Math.Clamp(throughSeq - Math.Max(lanePlan.First - 1, passed), 0, throughSeq - lanePlan.First + 1);
        }

        lanePlan.DeletePrefix(throughSeq, bytes);
    }

    private DropReason? RefusalReason(GroupPlan plan, Lane lane, long bytes, bool belowFloor)
    {
        if (options.EffectiveCapacityPolicy != CapacityPolicy.RejectNew)
        {
            return null;
        }

        if (lane == Lane.Normal && belowFloor)
        {
            return DropReason.DiskFloor;
        }

        var full = plan.TotalRows + 1 > options.MaxRows || plan.TotalBytes + bytes > options.MaxBytes;
        return full && (lane == Lane.Normal || plan.Normal.Rows == 0) ? DropReason.Capacity : null;
    }
}
