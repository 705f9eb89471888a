namespace Hybrid.Edge.Capture;

/// <summary>Settings of the <c>system</c> capture source (section <c>Hybrid:Capture:System</c>): the machine's own health.</summary>
internal sealed class SystemCaptureOptions
{
    public const string SectionName = "Hybrid:Capture:System";

    /// <summary>Off by default.</summary>
    public bool Enabled { get; set; }

    /// <summary>How often the readings are taken.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);
}
