using Hybrid.Edge.Hosting;
using Hybrid.Edge.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hybrid.Bench;

/// <summary>The real edge store opened in the bench process, to fill a backlog fast or to drive a sink in process.</summary>
internal static class BenchStore
{
    /// <summary>
    /// Opens (creating) the store of device <see cref="EdgeAgentHarness.DeviceId"/> in <paramref name="dataDirectory"/>
    /// with <paramref name="sink"/> declared, and starts its writer. Disk floors and stats are off.
    /// </summary>
    public static ReadingStore Open(string dataDirectory, TimeSpan commitInterval, string sink)
    {
        var options = new StoreOptions { CommitInterval = commitInterval, StatsInterval = TimeSpan.Zero, MinFreeDiskBytes = 0, MinFreeDiskPercent = 0, ChannelCapacity = 100_000 };
        var agent = new AgentOptions { DeviceId = EdgeAgentHarness.DeviceId, DataDirectory = dataDirectory };
        var store = new ReadingStore(Options.Create(options), Options.Create(agent), TimeProvider.System, NullLogger<ReadingStore>.Instance, [new StoreSinkRegistration(sink)]);
        store.Open();
        store.StartWriter();
        return store;
    }

    /// <summary>Writes <paramref name="count"/> readings (the i-th from <paramref name="reading"/>) as fast as the writer takes them, and waits until they are committed.</summary>
    public static async Task WriteAsync(ReadingStore store, int count, Func<int, CaptureReading> reading, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            var next = reading(i);
            while (!store.Writer.TryWrite(next))
            {
                await Task.Delay(1, cancellationToken);
            }
        }

        await store.Writer.FlushAsync(cancellationToken);
    }
}
