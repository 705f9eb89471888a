namespace Hybrid.Demo;

/// <summary>The loopback ports of the demo's services.</summary>
internal sealed record DemoPorts(int Mqtt, int AzuriteBlob, int AzuriteQueue, int AzuriteTable, int Function, int Status)
{
    public IEnumerable<(string Name, int Port)> All =>
    [
        ("mosquitto (--mqtt-port)", Mqtt),
        ("Azurite blobs (--azurite-blob-port)", AzuriteBlob),
        ("Azurite queues (--azurite-queue-port)", AzuriteQueue),
        ("Azurite tables (--azurite-table-port)", AzuriteTable),
        ("the Function (--function-port)", Function),
        ("the agent's status endpoint (--status-port)", Status),
    ];
}
