namespace Hybrid.Functions.Ingest;

/// <summary>One routing rule: items whose type matches <see cref="Pattern"/> go to <see cref="Queue"/>.</summary>
internal sealed class RouteOptions
{
    /// <summary>A type pattern such as <c>telemetry.*</c> or <c>alert.smoke</c>.</summary>
    public string Pattern { get; set; } = "";

    /// <summary>Target queue name.</summary>
    public string Queue { get; set; } = "";
}
