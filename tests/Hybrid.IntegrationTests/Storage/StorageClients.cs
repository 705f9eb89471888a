using Azure.Data.Tables;
using Azure.Storage.Queues;
using Hybrid.Functions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.IntegrationTests.Storage;

/// <summary>
/// The app's storage clients (<see cref="StorageAccountClients"/>: the Azure SDKs' queue and table service clients)
/// wired by hand for tests, with short retry delays so outage tests stay quick.
/// </summary>
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
        Account = new StorageAccountClients(Options, logger ?? NullLogger.Instance);
    }

    public StorageOptions Options { get; }

    /// <summary>The clients as the app holds them (for the app's own seams: sender, watermark store, health probe).</summary>
    public StorageAccountClients Account { get; }

    /// <summary>The queue service, with the SDK's retries; messages are base64 as the app writes them.</summary>
    public QueueServiceClient Queues => Account.Queues;

    /// <summary>The table service, with the SDK's retries.</summary>
    public TableServiceClient Tables => Account.Tables;

    /// <summary>A fresh queue or table name per test, so tests sharing one Azurite never see each other's data.</summary>
    public static string UniqueName(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 20, 63)];

    public void Dispose() => Account.Dispose();
}
