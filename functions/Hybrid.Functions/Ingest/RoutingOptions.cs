namespace Hybrid.Functions.Ingest;

/// <summary>Fan-out settings, section <c>Hybrid:Routing</c> (environment: <c>Hybrid__Routing__*</c>).</summary>
internal sealed class RoutingOptions
{
    public const string SectionName = "Hybrid:Routing";

    /// <summary>Largest queue message the service accepts, counted after base64 encoding (Azure Storage: 64 KiB).</summary>
    public const int ServiceMaxMessageBytes = 64 * 1024;

    /// <summary>Queue for items whose type matches no route.</summary>
    public string DefaultQueue { get; set; } = "telemetry";

    /// <summary>Queue that receives every invalid item with its reason.</summary>
    public string RejectedQueue { get; set; } = "ingest-rejected";

    /// <summary>Type patterns to queues; the first match wins. <c>*</c> matches any run of characters.</summary>
    public List<RouteOptions> Routes { get; set; } = [];

    /// <summary><see cref="PackingMode.Packed"/> (default) puts many items in one message; <see cref="PackingMode.Single"/> one per message.</summary>
    public PackingMode Packing { get; set; } = PackingMode.Packed;

    /// <summary>Upper bound of one queue message as the service counts it (base64-encoded text).</summary>
    public int MaxMessageBytes { get; set; } = ServiceMaxMessageBytes;
}
