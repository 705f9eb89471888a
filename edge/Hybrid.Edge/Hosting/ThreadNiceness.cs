using System.Runtime.InteropServices;

namespace Hybrid.Edge.Hosting;

/// <summary>
/// Lowers the CPU priority of the calling thread on Linux (its nice value; Linux schedules threads one by one).
/// Hand-written because .NET offers no way to do it: <see cref="Thread.Priority"/> does not change a thread's
/// scheduling on Linux. Lowering is allowed to any process; raising it back is not, so only call this on a thread that
/// stays at the lower priority for good.
/// </summary>
internal static partial class ThreadNiceness
{
    private const int PrioProcess = 0;

    /// <summary>The lowest priority Linux has.</summary>
    private const int MaxNice = 19;

    /// <summary>
    /// Adds <paramref name="increment"/> to the calling thread's nice value (at most 19). False where that is not possible
    /// (not Linux, not glibc, or refused); the thread then keeps its priority.
    /// </summary>
    public static bool LowerCurrentThread(int increment)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(increment);
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            var thread = GetThreadId();

            // -1 is a valid nice value too: only errno tells a failure apart.
            Marshal.SetLastPInvokeError(0);
            var current = GetPriority(PrioProcess, thread);
            if (current == -1 && Marshal.GetLastPInvokeError() != 0)
            {
                return false;
            }

            return SetPriority(PrioProcess, thread, Math.Min(MaxNice, current + increment)) == 0;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial uint GetThreadId();

    [LibraryImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    private static partial int GetPriority(int which, uint who);

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, uint who, int priority);
}
