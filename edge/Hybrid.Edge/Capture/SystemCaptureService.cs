using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Hybrid.Edge.Hosting;
using Hybrid.Edge.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Capture;

/// <summary>
/// The <c>system</c> capture source: every <c>Interval</c> the machine's own health as readings
/// (<c>system.cpu_temperature</c> per thermal zone, <c>system.load</c>, <c>system.memory</c>, <c>system.disk</c> of the
/// data directory, <c>system.store</c>), skipping whatever the machine lacks (a VM has no thermal zones).
/// </summary>
internal sealed class SystemCaptureService(
    IOptions<SystemCaptureOptions> options,
    IOptions<AgentOptions> agent,
    IServiceProvider services,
    IReadingWriter writer,
    TimeProvider time,
    ILogger<SystemCaptureService> logger) : BackgroundService
{
    private const string Source = "system";
    private static readonly string[] StoreFileSuffixes = ["", "-wal", "-shm"];

    /// <summary>Where the kernel lists thermal zones; a test points it elsewhere.</summary>
    internal string ThermalRoot { get; init; } = "/sys/class/thermal";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        CaptureLog.SystemCaptureStarted(logger, settings.Interval);
        using var timer = new PeriodicTimer(settings.Interval, time);
        try
        {
            do
            {
                foreach (var reading in Sample())
                {
                    _ = writer.TryWrite(reading);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One reading per health aspect the machine has.</summary>
    internal IEnumerable<CaptureReading> Sample()
    {
        var now = time.GetUtcNow();
        foreach (var (zone, celsius) in ThermalZones())
        {
            yield return Reading("system.cpu_temperature", now, zone, json =>
            {
                json.WriteNumber("value", celsius);
                json.WriteString("unit", "C");
            });
        }

        if (LoadAverage() is { } load)
        {
            yield return Reading("system.load", now, null, json =>
            {
                json.WriteNumber("load1", load.One);
                json.WriteNumber("load5", load.Five);
                json.WriteNumber("load15", load.Fifteen);
            });
        }

        if (Memory() is { } memory)
        {
            yield return Reading("system.memory", now, null, json =>
            {
                json.WriteNumber("totalBytes", memory.Total);
                json.WriteNumber("availableBytes", memory.Available);
                json.WriteNumber("usedPercent", Math.Round(100.0 * (memory.Total - memory.Available) / memory.Total, 1));
            });
        }

        var dataDirectory = Path.GetFullPath(agent.Value.DataDirectory);
        if (Disk(dataDirectory) is { } disk)
        {
            yield return Reading("system.disk", now, dataDirectory, json =>
            {
                json.WriteNumber("totalBytes", disk.Total);
                json.WriteNumber("freeBytes", disk.Free);
                json.WriteNumber("usedPercent", Math.Round(100.0 * (disk.Total - disk.Free) / disk.Total, 1));
            });
        }

        if (services.GetService<ReadingStore>() is { } store)
        {
            var bytes = StoreFileSuffixes.Sum(suffix => new FileInfo(store.Path + suffix) is { Exists: true } file ? file.Length : 0);
            yield return Reading("system.store", now, null, json => json.WriteNumber("bytes", bytes));
        }
    }

    private static CaptureReading Reading(string type, DateTimeOffset now, string? key, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            write(json);
            json.WriteEndObject();
        }

        return new CaptureReading(type, now, Source, key, buffer.WrittenSpan.ToArray());
    }

    private IEnumerable<(string Zone, double Celsius)> ThermalZones()
    {
        if (!Directory.Exists(ThermalRoot))
        {
            yield break;
        }

        foreach (var zone in Directory.EnumerateDirectories(ThermalRoot, "thermal_zone*").Order(StringComparer.Ordinal))
        {
            var temp = ReadText(Path.Combine(zone, "temp"));
            if (long.TryParse(temp, NumberStyles.Integer, CultureInfo.InvariantCulture, out var milli))
            {
                var name = ReadText(Path.Combine(zone, "type")) is { Length: > 0 } type ? type : Path.GetFileName(zone);
                yield return (name, Math.Round(milli / 1000.0, 1));
            }
        }
    }

    private static (double One, double Five, double Fifteen)? LoadAverage()
    {
        var parts = ReadText("/proc/loadavg")?.Split(' ');
        return parts is { Length: >= 3 }
            && double.TryParse(parts[0], CultureInfo.InvariantCulture, out var one)
            && double.TryParse(parts[1], CultureInfo.InvariantCulture, out var five)
            && double.TryParse(parts[2], CultureInfo.InvariantCulture, out var fifteen)
            ? (one, five, fifteen)
            : null;
    }

    private static (long Total, long Available)? Memory()
    {
        long total = 0, available = 0;
        foreach (var line in ReadText("/proc/meminfo")?.Split('\n') ?? [])
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 2 && long.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb))
            {
                if (fields[0] == "MemTotal:")
                {
                    total = kb * 1024;
                }
                else if (fields[0] == "MemAvailable:")
                {
                    available = kb * 1024;
                }
            }
        }

        return total > 0 ? (total, available) : null;
    }

    private static (long Total, long Free)? Disk(string directory)
    {
        try
        {
            var drive = new DriveInfo(directory);
            return drive.TotalSize > 0 ? (drive.TotalSize, drive.AvailableFreeSpace) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    private static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
