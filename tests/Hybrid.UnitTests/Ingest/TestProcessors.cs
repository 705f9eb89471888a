using System.Diagnostics.Metrics;
using Hybrid.Functions.Ingest;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hybrid.UnitTests.Ingest;

/// <summary>An ingest processor wired as the app wires it, on a given store, queues and clock (one per "instance").</summary>
internal sealed class TestProcessors : IDisposable
{
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public IngestProcessor Create(IWatermarkStore store, IMessageQueues queues, TimeProvider time, IngestOptions ingest, RoutingOptions routing)
    {
        var options = Options.Create(ingest);
        return new IngestProcessor(
            new WatermarkCoordinator(store, options, time, NullLogger<WatermarkCoordinator>.Instance),
            new DeviceGates(time),
            new QueueFanOut(queues, options),
            new RouteTable(routing),
            new MessagePacker(routing.MaxMessageBytes, routing.Packing),
            new IngestMetrics(_metrics.GetRequiredService<IMeterFactory>()),
            options,
            time,
            NullLogger<IngestProcessor>.Instance);
    }

    public void Dispose() => _metrics.Dispose();
}
