using System.Globalization;

namespace Hybrid.Bench.EndToEnd;

/// <summary>
/// Where the CPU went over a stretch of time: seconds used by each named process, by this bench process (the queue
/// reader), and by the whole machine (<c>/proc/stat</c>, every process, other people's work included).
/// </summary>
internal sealed class CpuAccount
{
    private readonly IReadOnlyDictionary<string, int> _processes;
    private readonly Dictionary<string, double> _start;
    private readonly double _machineStart;
    private readonly double _selfStart;

    private CpuAccount(IReadOnlyDictionary<string, int> processes)
    {
        _processes = processes;
        _start = processes.ToDictionary(p => p.Key, p => CpuSeconds(p.Value));
        _machineStart = MachineBusySeconds();
        _selfStart = CpuTime().TotalSeconds;
    }

    public static CpuAccount Start(IReadOnlyDictionary<string, int> processes) => new(processes);

    /// <summary>CPU seconds since <see cref="Start"/>: each process, <c>bench reader</c>, and <c>machine</c>.</summary>
    public Dictionary<string, double> Stop()
    {
        var used = _processes.ToDictionary(p => p.Key, p => Seconds(p.Key, p.Value) - _start[p.Key]);
        used["bench reader"] = CpuTime().TotalSeconds - _selfStart;
        used["machine"] = MachineBusySeconds() - _machineStart;
        return used;
    }

    private static double Seconds(string name, int pid)
    {
        try
        {
            return CpuSeconds(pid);
        }
        catch (DirectoryNotFoundException)
        {
            throw new InvalidOperationException($"{name} (pid {pid.ToString(CultureInfo.InvariantCulture)}) exited during the measurement");
        }
    }

    /// <summary>Non-idle CPU seconds of all cores since boot (the first line of <c>/proc/stat</c>, 100 ticks per second).</summary>
    private static double MachineBusySeconds()
    {
        // user nice system idle iowait irq softirq steal (guest time is already in user): idle and iowait are not busy.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..9]
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return (fields.Sum() - fields[3] - fields[4]) / 100.0;
    }
}
