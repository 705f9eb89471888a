using System.Globalization;

namespace Hybrid.Edge.Store;

/// <summary>Bytes this process caused to be written to storage (Linux <c>/proc/self/io</c> <c>write_bytes</c>): the SD-card wear.</summary>
internal static class DiskWriteBytes
{
    /// <summary>The count, or null where the kernel does not provide it.</summary>
    public static long? Read()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/io"))
            {
                if (line.StartsWith("write_bytes:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan("write_bytes:".Length).Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }
}
