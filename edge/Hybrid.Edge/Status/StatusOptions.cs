namespace Hybrid.Edge.Status;

/// <summary>The local status endpoint, section <c>Hybrid:Status</c>: <c>/healthz</c>, <c>/status</c>, <c>/metrics</c>.</summary>
internal sealed class StatusOptions
{
    public const string SectionName = "Hybrid:Status";

    /// <summary>Serve the endpoint; on by default (on loopback only).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The address to listen on: <c>127.0.0.1</c> keeps it on the machine; for a Prometheus on the LAN, the machine's
    /// LAN address (requests must name that address).
    /// </summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Port; 9464 is the OpenTelemetry Prometheus exporter's customary port.</summary>
    public int Port { get; set; } = 9464;

    /// <summary>The base URL the endpoint answers on (and <c>hybrid-edge status</c> asks).</summary>
    public string BaseUrl => $"http://{Host}:{Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}/";
}
