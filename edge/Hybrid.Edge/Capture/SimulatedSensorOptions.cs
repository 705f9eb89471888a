namespace Hybrid.Edge.Capture;

/// <summary>One simulated sensor: a value wandering between <see cref="Min"/> and <see cref="Max"/>.</summary>
internal sealed class SimulatedSensorOptions
{
    /// <summary>The reading's key, e.g. a sensor id.</summary>
    public string Key { get; set; } = "";

    /// <summary>The reading's type, e.g. <c>telemetry.temperature</c>.</summary>
    public string Type { get; set; } = "";

    /// <summary>Unit written into the payload.</summary>
    public string Unit { get; set; } = "";

    public double Min { get; set; }

    public double Max { get; set; } = 1;
}
