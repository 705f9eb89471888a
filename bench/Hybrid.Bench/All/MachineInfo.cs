using System.Globalization;
using System.Runtime.InteropServices;

namespace Hybrid.Bench.All;

/// <summary>One line naming the machine the figures come from: CPU, cores, memory, OS, kernel, .NET, load.</summary>
internal static class MachineInfo
{
    public static string Describe()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memKb = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"')
            : null;
        return string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} vCPU {cpu} ({RuntimeInformation.ProcessArchitecture}), {long.Parse(memKb, CultureInfo.InvariantCulture) / 1048576.0:0} GiB RAM, {os ?? RuntimeInformation.OSDescription}, kernel {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}, {RuntimeInformation.FrameworkDescription}; load average at the start {LoadAverage()}");
    }
}
