using System.ComponentModel.DataAnnotations;

namespace Hybrid.Edge.Capture;

/// <summary>Settings of the <c>simulated</c> capture source (section <c>Hybrid:Capture:Simulated</c>).</summary>
internal sealed class SimulatedCaptureOptions
{
    public const string SectionName = "Hybrid:Capture:Simulated";

    /// <summary>Off by default: a real agent captures real sensors; the demo turns this on.</summary>
    public bool Enabled { get; set; }

    /// <summary>How often every sensor produces one reading.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The sensors; when empty, a temperature and a humidity sensor.</summary>
    [Required]
    public List<SimulatedSensorOptions> Sensors { get; set; } = [];

    /// <summary>The configured sensors, or the two defaults.</summary>
    public IReadOnlyList<SimulatedSensorOptions> EffectiveSensors => Sensors.Count > 0 ? Sensors :
    [
        new() { Key = "sensor-1", Type = "telemetry.temperature", Unit = "C", Min = 18, Max = 26 },
        new() { Key = "sensor-2", Type = "telemetry.humidity", Unit = "%", Min = 30, Max = 60 },
    ];
}
