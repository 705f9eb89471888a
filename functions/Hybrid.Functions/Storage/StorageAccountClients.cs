using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;

namespace Hybrid.Functions.Storage;

/// <summary>
/// The app's clients of its one storage account, created once and shared: a <see cref="QueueServiceClient"/> and a
/// <see cref="TableServiceClient"/> with the SDK's bounded exponential retries, and an unretried pair for the health
/// probe, all over one pooled HTTP transport. A connection string (account key, or <c>UseDevelopmentStorage=true</c>)
/// authorizes with the key; an account name alone uses <see cref="DefaultAzureCredential"/> (a managed identity in Azure).
/// </summary>
internal sealed class StorageAccountClients : IDisposable
{
    /// <summary>Public-cloud endpoint suffix used when only an account name is set.</summary>
    public const string DefaultEndpointSuffix = "core.windows.net";

    private readonly HttpClientTransport? _ownedTransport;
    private readonly ILogger _logger;

    /// <param name="options">Validated storage settings.</param>
    /// <param name="logger">Where failures are logged.</param>
    /// <param name="credential">Token credential for an account name (default <see cref="DefaultAzureCredential"/>); ignored with a connection string.</param>
    /// <param name="transport">HTTP transport (tests trust a self-signed certificate with it); default a pooled <see cref="SocketsHttpHandler"/>.</param>
    public StorageAccountClients(StorageOptions options, ILogger logger, TokenCredential? credential = null, HttpPipelineTransport? transport = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        if (transport is null)
        {
            _ownedTransport = new HttpClientTransport(new SocketsHttpHandler
            {
                // Recycle connections now and then so DNS changes of the storage front ends are picked up.
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
                MaxConnectionsPerServer = options.MaxConnectionsPerEndpoint,
                ConnectTimeout = options.RequestTimeout,
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = false,
            });
            transport = _ownedTransport;
        }

        Attempts = options.MaxRetries + 1;
        UsesIdentity = string.IsNullOrWhiteSpace(options.ConnectionString);
        var queueOptions = QueueOptions(options, transport, options.MaxRetries);
        var probeQueueOptions = QueueOptions(options, transport, 0);
        var tableOptions = Configure(new TableClientOptions(), options, transport, options.MaxRetries);
        var probeTableOptions = Configure(new TableClientOptions(), options, transport, 0);
        if (UsesIdentity)
        {
            credential ??= CreateDefaultCredential();
            var queueEndpoint = options.QueueEndpoint ?? new Uri($"https://{options.AccountName}.queue.{DefaultEndpointSuffix}");
            var tableEndpoint = options.TableEndpoint ?? new Uri($"https://{options.AccountName}.table.{DefaultEndpointSuffix}");
            Queues = new QueueServiceClient(queueEndpoint, credential, queueOptions);
            ProbeQueues = new QueueServiceClient(queueEndpoint, credential, probeQueueOptions);
            Tables = new TableServiceClient(tableEndpoint, credential, tableOptions);
            ProbeTables = new TableServiceClient(tableEndpoint, credential, probeTableOptions);
        }
        else
        {
            Queues = new QueueServiceClient(options.ConnectionString, queueOptions);
            ProbeQueues = new QueueServiceClient(options.ConnectionString, probeQueueOptions);
            Tables = new TableServiceClient(options.ConnectionString, tableOptions);
            ProbeTables = new TableServiceClient(options.ConnectionString, probeTableOptions);
        }
    }

    /// <summary>Queues, with retries; messages travel base64-encoded, as the Functions queue trigger expects.</summary>
    public QueueServiceClient Queues { get; }

    /// <summary>Tables, with retries.</summary>
    public TableServiceClient Tables { get; }

    /// <summary>Queues without retries, for the health probe (one call answers within one request timeout).</summary>
    public QueueServiceClient ProbeQueues { get; }

    /// <summary>Tables without retries, for the health probe.</summary>
    public TableServiceClient ProbeTables { get; }

    /// <summary>Attempts per call of the retrying clients.</summary>
    public int Attempts { get; }

    /// <summary>True when requests carry Entra ID tokens rather than an account key.</summary>
    public bool UsesIdentity { get; }

    /// <summary>The reason a connection string is unusable, or null; the SDK's own parsing decides.</summary>
    public static string? ConnectionStringError(string connectionString)
    {
        try
        {
            _ = new QueueServiceClient(connectionString);
            _ = new TableServiceClient(connectionString);
            return null;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            // Never echo the setting: it may hold the key.
            return ex.Message.Contains(connectionString, StringComparison.Ordinal) ? "it cannot be parsed." : ex.Message;
        }
    }

    /// <summary>The exception to throw for a failure of <paramref name="operation"/> (see <see cref="StorageErrors.ToException"/>), logged.</summary>
    public Exception Fail(string operation, Exception exception, bool probe = false)
    {
        var error = StorageErrors.ToException(operation, exception, probe ? 1 : Attempts, UsesIdentity);
        if (error is StorageRequestException refused)
        {
            Log.StorageRequestFailed(_logger, operation, (int)refused.Status, refused.ErrorCode);
        }
        else if (!probe)
        {
            Log.StorageUnavailable(_logger, operation, error.Message);
        }

        return error;
    }

    public void Dispose() => _ownedTransport?.Dispose();

    // Its own method so that Azure.Identity and MSAL are loaded only for an account name, not with a connection string.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static DefaultAzureCredential CreateDefaultCredential() => new();

    // Service version pinned to one Azurite 3.35 knows (the tests run Azurite's OAuth mode without --skipApiVersionCheck)
    // and Azure serves; the SDK's newer default adds nothing ingest uses.
    private static QueueClientOptions QueueOptions(StorageOptions options, HttpPipelineTransport transport, int retries) =>
        Configure(new QueueClientOptions(QueueClientOptions.ServiceVersion.V2025_01_05) { MessageEncoding = QueueMessageEncoding.Base64 }, options, transport, retries);

    private static T Configure<T>(T clientOptions, StorageOptions options, HttpPipelineTransport transport, int retries)
        where T : ClientOptions
    {
        clientOptions.Transport = transport;
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.MaxRetries = retries;
        clientOptions.Retry.Delay = options.RetryDelay;
        clientOptions.Retry.MaxDelay = options.MaxRetryDelay;
        clientOptions.Retry.NetworkTimeout = options.RequestTimeout;
        // Request logging would put every call's headers into the app log at Information; failures are logged by us.
        clientOptions.Diagnostics.IsLoggingEnabled = false;
        clientOptions.Diagnostics.IsDistributedTracingEnabled = false;
        return clientOptions;
    }
}
