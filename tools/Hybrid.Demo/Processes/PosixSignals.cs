using System.Runtime.InteropServices;

namespace Hybrid.Demo.Processes;

/// <summary>Sends POSIX signals (.NET only sends SIGKILL itself).</summary>
internal static partial class PosixSignals
{
    public const int Terminate = 15;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when no such process exists any more.</summary>
    public static bool Send(int pid, int signal) => Kill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
