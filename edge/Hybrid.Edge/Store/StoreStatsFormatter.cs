using System.Globalization;
using System.Text;
using Hybrid.Edge.Sinks;

namespace Hybrid.Edge.Store;

/// <summary>The one-line stats text an operator greps for in the journal.</summary>
internal static class StoreStatsFormatter
{
    public static string Format(StoreStats stats) => Format(stats, []);

    /// <summary>The stats line with each sink's own state (<see cref="ISinkStatus"/>) after its backlog.</summary>
    public static string Format(StoreStats stats, IEnumerable<ISinkStatus> statuses)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var line = new StringBuilder(256);
        var c = CultureInfo.InvariantCulture;
        foreach (var lane in stats.Lanes)
        {
            line.Append(c, $"{lane.Lane.ToString().ToLowerInvariant()} {lane.Rows} rows/{lane.Bytes} B (seq {lane.FirstSeq}..{lane.HeadSeq}); ");
        }

        line.Append(c, $"written {stats.Written} ({stats.BytesWritten} B in {stats.Commits} commits");
        line.Append(stats.DiskWriteBytes is { } disk ? string.Create(c, $", {disk} B to disk)") : ")");
        line.Append(c, $"; queued {stats.Queued}; dropped");
        foreach (var (reason, count) in stats.Dropped)
        {
            line.Append(c, $" {ReasonName(reason)}={count}");
        }

        if (stats.DiskFull)
        {
            line.Append("; DISK FULL");
        }

        if (stats.BelowDiskFloor)
        {
            line.Append("; below disk floor");
        }

        foreach (var sink in stats.Sinks)
        {
            line.Append(c, $"; sink {sink.Sink} backlog {sink.Backlog} oldest {Age(sink.OldestAge)} ");
            line.Append(c, $"(high {sink.High.Backlog}/{Age(sink.High.OldestAge)}, normal {sink.Normal.Backlog}/{Age(sink.Normal.OldestAge)}) dead {sink.DeadLetters}");
            foreach (var status in statuses)
            {
                if (status.Sink == sink.Sink)
                {
                    line.Append(' ');
                    status.AppendTo(line);
                }
            }
        }

        return line.ToString();
    }

    private static string Age(TimeSpan? age) => age is { } a ? a.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s" : "-";

    /// <summary>The kebab-case name used in stats and docs (<c>channel-full</c>, <c>disk-floor</c>, …).</summary>
    public static string ReasonName(DropReason reason) => reason switch
    {
        DropReason.ChannelFull => "channel-full",
        DropReason.Capacity => "capacity",
        DropReason.Ttl => "ttl",
        DropReason.DiskFloor => "disk-floor",
        DropReason.DiskFull => "disk-full",
        DropReason.Stopped => "stopped",
        _ => reason.ToString(),
    };
}
