using Hybrid.Functions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.IntegrationTests.Storage;

/// <summary>Our storage client wired by hand for tests: short retry delays so outage tests stay quick.</summary>
internal sealed class StorageClients : IDisposable
{
    public StorageClients(string connectionString, int maxRetries = 2, ILogger? logger = null)
    {
        Options = new StorageOptions
        {
            ConnectionString = connectionString,
            MaxRetries = maxRetries,
            RetryDelay = TimeSpan.FromMilliseconds(50),
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
            RequestTimeout = TimeSpan.FromSeconds(5),
        };
        Transport = new StorageTransport(StorageAccount.Parse(connectionString), Options, TimeProvider.System, logger ?? NullLogger.Instance);
        Queues = new StorageQueueClient(Transport);
        Tables = new StorageTableClient(Transport);
    }

    public StorageOptions Options { get; }

    public StorageTransport Transport { get; }

    public StorageQueueClient Queues { get; }

    public StorageTableClient Tables { get; }

    /// <summary>A fresh queue or table name per test, so tests sharing one Azurite never see each other's data.</summary>
    public static string UniqueName(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 20, 63)];

    public void Dispose() => Transport.Dispose();
}
