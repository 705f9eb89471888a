using System.Globalization;

namespace Hybrid.Bench;

/// <summary>What every bench shares: <c>--name value</c> arguments, medians, percentiles and a process's memory.</summary>
internal static class BenchStats
{
    // sysconf(_SC_CLK_TCK): 100 on every Linux architecture .NET runs on (USER_HZ is fixed in the kernel ABI).
    private const int ClockTicksPerSecond = 100;

    /// <summary>The integer after <paramref name="name"/>, or <paramref name="fallback"/>.</summary>
    public static int Arg(string[] args, string name, int fallback) =>
        ArgText(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    /// <summary>The text after <paramref name="name"/>, or null.</summary>
    public static string? ArgText(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>The median (the mean of the middle two for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The nearest-rank percentile <paramref name="p"/> (0..1) of already sorted values; 0 when empty.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>A kB field of <c>/proc/PID/status</c> (e.g. <c>VmHWM</c>, <c>VmRSS</c>) in MB; <paramref name="pid"/> null for this process.</summary>
    public static double StatusMb(int? pid, string field)
    {
        var prefix = field + ":";
        var line = File.ReadLines(pid is null ? "/proc/self/status" : $"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"no {field} in /proc/{pid?.ToString(CultureInfo.InvariantCulture) ?? "self"}/status");
        return long.Parse(line.AsSpan(prefix.Length).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>
    /// CPU seconds (user + system) process <paramref name="pid"/> has used so far, from <c>/proc/PID/stat</c>
    /// (assumes the usual 100 clock ticks per second).
    /// </summary>
    public static double CpuSeconds(int pid)
    {
        // utime and stime are fields 14 and 15.
        var fields = StatFields($"/proc/{pid}/stat");
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>The 1, 5 and 15 minute load averages, as <c>/proc/loadavg</c> shows them.</summary>
    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]);

    /// <summary>
    /// CPU time (user + system) of this process from <c>/proc/self/stat</c>: its own (<c>utime</c>+<c>stime</c>) or,
    /// with <paramref name="reapedChildren"/>, that of the children it has waited for (<c>cutime</c>+<c>cstime</c>,
    /// which the kernel adds when a child is reaped, with the child's own reaped children).
    /// </summary>
    public static TimeSpan CpuTime(bool reapedChildren = false)
    {
        var fields = StatFields("/proc/self/stat");
        var first = reapedChildren ? 13 : 11;
        var ticks = long.Parse(fields[first], CultureInfo.InvariantCulture) + long.Parse(fields[first + 1], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond);
    }

    /// <summary>
    /// The fields of a <c>stat</c> file (<c>/proc/PID/stat</c>, <c>/proc/thread-self/stat</c>) after the command name,
    /// which is in parentheses and may itself hold spaces: [0] is field 3 (state), so field N is [N - 3].
    /// </summary>
    public static string[] StatFields(string path)
    {
        var stat = File.ReadAllText(path);
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }
}
