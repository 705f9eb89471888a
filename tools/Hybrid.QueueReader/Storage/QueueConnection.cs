using Azure.Core;
using Azure.Storage.Queues;

namespace Hybrid.QueueReader.Storage;

/// <summary>
/// One <see cref="QueueServiceClient"/> for an account, from a connection string (<c>UseDevelopmentStorage=true</c>
/// for Azurite on its default ports, or <c>DefaultEndpointsProtocol=…;AccountName=…;AccountKey=…;QueueEndpoint=…</c>).
/// </summary>
internal sealed class QueueConnection
{
    /// <summary>The environment variable read when no connection string is given (the Azure CLI reads it too).</summary>
    public const string ConnectionStringVariable = "AZURE_STORAGE_CONNECTION_STRING";

    /// <summary>Azurite on its default ports.</summary>
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    private readonly QueueServiceClient _service;

    private QueueConnection(QueueServiceClient service) => _service = service;

    /// <summary>
    /// Connects lazily (nothing is sent yet); false with the reason when <paramref name="connectionString"/> is malformed.
    /// </summary>
    public static bool TryCreate(string connectionString, TimeSpan networkTimeout, out QueueConnection? connection, out string? error)
    {
        var options = new QueueClientOptions
        {
            // The Function writes base64 itself; the decoder takes the body as stored, so both encodings read.
            MessageEncoding = QueueMessageEncoding.None,
        };
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.NetworkTimeout = networkTimeout;
        try
        {
            connection = new QueueConnection(new QueueServiceClient(connectionString, options));
            error = null;
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            connection = null;
            error = $"the connection string is not valid ({e.Message}); expected '{DevelopmentStorage}' or 'DefaultEndpointsProtocol=…;AccountName=…;AccountKey=…;QueueEndpoint=…'";
            return false;
        }
    }

    /// <summary>The queue endpoint, for messages (never the key).</summary>
    public Uri Endpoint => _service.Uri;

    /// <summary>A reader of one queue.</summary>
    public QueueMessageSource Open(string queue) => new(_service.GetQueueClient(queue));
}
