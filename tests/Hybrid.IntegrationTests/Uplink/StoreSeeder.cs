using System.Text;
using Hybrid.Edge.Hosting;
using Hybrid.Edge.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hybrid.IntegrationTests.Uplink;

/// <summary>
/// Writes readings into an agent's store before the agent starts, with the real store in this process (same device
/// id and data directory), so a test controls the backlog and can plant readings capture would never produce.
/// </summary>
internal static class StoreSeeder
{
    public static async Task WriteAsync(string device, string dataDirectory, IEnumerable<CaptureReading> readings)
    {
        var options = new StoreOptions
        {
            CommitInterval = TimeSpan.Zero,
            StatsInterval = TimeSpan.Zero,
            MinFreeDiskBytes = 0,
            MinFreeDiskPercent = 0,
            RetentionInterval = TimeSpan.FromHours(1),
        };
        var agent = new AgentOptions { DeviceId = device, DataDirectory = dataDirectory };
        await using var store = new ReadingStore(Options.Create(options), Options.Create(agent), TimeProvider.System,
            NullLogger<ReadingStore>.Instance, [new StoreSinkRegistration(StoreSnapshot.Sink)]);
        store.Open();
        store.StartWriter();
        foreach (var reading in readings)
        {
            Assert.True(store.Writer.TryWrite(reading), "the store refused a seed reading");
        }

        await store.Writer.FlushAsync(CancellationToken.None);
    }

    /// <summary>A reading with <paramref name="payloadJson"/> verbatim, stamped now unless <paramref name="ts"/> is given.</summary>
    public static CaptureReading Reading(string type, string payloadJson, DateTimeOffset? ts = null, string? key = "seed") =>
        new(type, ts ?? TimeProvider.System.GetUtcNow(), "seed", key, Encoding.UTF8.GetBytes(payloadJson));

    /// <summary><paramref name="count"/> readings numbered in their payload (<c>{"n":i,…}</c>), with <paramref name="padding"/> random hex characters each.</summary>
    public static IEnumerable<CaptureReading> Numbered(int count, string type = "telemetry.seed", int padding = 0) =>
        Enumerable.Range(1, count).Select(i => Reading(type, $"{{\"n\":{i},\"pad\":\"{RandomHex(padding)}\"}}"));

    private static string RandomHex(int length)
    {
        var bytes = new byte[(length + 1) / 2];
        Random.Shared.NextBytes(bytes);
        return Convert.ToHexString(bytes)[..length];
    }
}
