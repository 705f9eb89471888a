namespace Hybrid.Functions.Ingest;

/// <summary>
/// Records every batch still parked (see <see cref="IngestOptions.RecordDelay"/>) when the app stops, so a scale-in or
/// a restart does not leave its devices' claims to expire.
/// </summary>
internal sealed class ParkedRecordsOnStop(WatermarkCoordinator coordinator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => coordinator.RecordParkedAsync().WaitAsync(cancellationToken);
}
