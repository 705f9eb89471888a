namespace Hybrid.Demo;

/// <summary>Where the demo runs: the repository's build outputs, a data directory, loopback ports, how long.</summary>
internal sealed record DemoOptions(
    string Root,
    string Configuration,
    string DataDirectory,
    DemoPorts Ports,
    string FunctionKey,
    TimeSpan? Duration)
{
    public const string DeviceId = "demo-pi";

    /// <summary>The local topic the demo publishes door events to and the agent's MQTT capture subscribes to.</summary>
    public const string CapturedTopic = "demo/door/front";

    /// <summary>The queues the Function fans out to in the demo.</summary>
    public static readonly IReadOnlyList<string> Queues = ["telemetry", "alerts", "ingest-rejected"];

    public string FunctionDirectory => Path.Combine(Root, "functions", "Hybrid.Functions", "bin", Configuration, "net10.0");

    public string EdgeAgent => Path.Combine(Root, "edge", "Hybrid.Edge", "bin", Configuration, "net10.0", "hybrid-edge");

    public string Azurite => Path.Combine(Root, "node_modules", ".bin", "azurite");

    /// <summary>Azurite's well-known development account (public, documented by Microsoft; not a secret).</summary>
    public string StorageConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{Ports.AzuriteBlob}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{Ports.AzuriteQueue}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{Ports.AzuriteTable}/devstoreaccount1;";
}
