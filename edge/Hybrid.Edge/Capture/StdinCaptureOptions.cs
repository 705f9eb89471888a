namespace Hybrid.Edge.Capture;

/// <summary>
/// Settings of the <c>stdin</c> capture source (section <c>Hybrid:Capture:Stdin</c>; <c>hybrid-edge run --stdin</c>
/// turns it on): JSON lines piped into the agent, e.g. <c>some-scanner | hybrid-edge run --stdin</c>.
/// </summary>
internal sealed class StdinCaptureOptions : JsonLineOptions
{
    public const string SectionName = "Hybrid:Capture:Stdin";

    /// <summary>Read standard input; off by default (a service has none).</summary>
    public bool Enabled { get; set; }

    /// <summary>The configured type, or <c>stdin</c>.</summary>
    public string EffectiveType => Type.Length > 0 ? Type : "stdin";
}
