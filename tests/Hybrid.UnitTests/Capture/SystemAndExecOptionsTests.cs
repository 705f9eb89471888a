using System.Text.Json;
using Hybrid.Edge.Capture;
using Hybrid.Edge.Hosting;
using Hybrid.Edge.Store;
using Hybrid.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hybrid.UnitTests.Capture;

public sealed class SystemAndExecOptionsTests
{
    /// <summary>No store registered: the store-size reading is left out.</summary>
    private static readonly ServiceProvider NoServices = new ServiceCollection().BuildServiceProvider();

    [Fact]
    public void Sample_ThisMachine_LoadMemoryAndDiskOfTheDataDirectory()
    {
        using var dir = new TempDirectory("system");
        var service = CreateSystem(dir.Path, Path.Combine(dir.Path, "no-thermal"));

        var readings = service.Sample().ToDictionary(r => r.Type);

        Assert.False(readings.ContainsKey("system.cpu_temperature"));
        using var memory = JsonDocument.Parse(readings["system.memory"].PayloadJson);
        Assert.True(memory.RootElement.GetProperty("totalBytes").GetInt64() > 1L << 30);
        Assert.InRange(memory.RootElement.GetProperty("usedPercent").GetDouble(), 0.1, 100);
        using var disk = JsonDocument.Parse(readings["system.disk"].PayloadJson);
        Assert.Equal(Path.GetFullPath(dir.Path), readings["system.disk"].Key);
        Assert.True(disk.RootElement.GetProperty("freeBytes").GetInt64() > 0);
        using var load = JsonDocument.Parse(readings["system.load"].PayloadJson);
        Assert.True(load.RootElement.GetProperty("load1").GetDouble() >= 0);
        Assert.All(readings.Values, r => Assert.Equal("system", r.Source));
    }

    [Fact]
    public void Sample_ThermalZones_OneReadingPerZoneInCelsiusKeyedByType()
    {
        using var dir = new TempDirectory("system");
        var zone = Directory.CreateDirectory(Path.Combine(dir.Path, "thermal", "thermal_zone0")).FullName;
        File.WriteAllText(Path.Combine(zone, "temp"), "45123\n");
        File.WriteAllText(Path.Combine(zone, "type"), "cpu-thermal\n");
        var service = CreateSystem(dir.Path, Path.Combine(dir.Path, "thermal"));

        var reading = Assert.Single(service.Sample(), r => r.Type == "system.cpu_temperature");

        Assert.Equal("cpu-thermal", reading.Key);
        using var payload = JsonDocument.Parse(reading.PayloadJson);
        Assert.Equal(45.1, payload.RootElement.GetProperty("value").GetDouble());
    }

    [Fact]
    public void Validate_ExecSources_OneLinePerProblemNamingTheSetting()
    {
        var options = new ExecCaptureOptions
        {
            Sources =
            [
                new ExecSourceOptions { Name = "rtl433", Command = "rtl_433", Arguments = ["-F", "json"], TypePointer = "/model" },
                new ExecSourceOptions { Name = "rtl433", Command = "", KeyPointer = "id", RestartMin = TimeSpan.Zero },
                new ExecSourceOptions { Name = "Bad Name", Command = "x", Type = "Not A Type" },
            ],
        };

        var failures = new CaptureOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Contains("Hybrid:Capture:Exec:Sources:1:Name 'rtl433' is used by another exec source; names must differ.", failures);
        Assert.Contains(failures, f => f.StartsWith("Hybrid:Capture:Exec:Sources:1:Command is empty", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Hybrid:Capture:Exec:Sources:1:KeyPointer 'id' is not a JSON pointer", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Hybrid:Capture:Exec:Sources:1:RestartMin", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Hybrid:Capture:Exec:Sources:2:Name 'Bad Name'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Hybrid:Capture:Exec:Sources:2:Type 'Not A Type'", StringComparison.Ordinal));
        Assert.Equal(6, failures.Count);
    }

    private static SystemCaptureService CreateSystem(string dataDirectory, string thermalRoot)
    {
        var agent = new AgentOptions { DeviceId = "pi", DataDirectory = dataDirectory };
        return new SystemCaptureService(Options.Create(new SystemCaptureOptions { Enabled = true }), Options.Create(agent), NoServices, new NullWriter(), TimeProvider.System, NullLogger<SystemCaptureService>.Instance)
        {
            ThermalRoot = thermalRoot,
        };
    }

    private sealed class NullWriter : IReadingWriter
    {
        public bool TryWrite(CaptureReading reading) => true;
    }
}
