using Hybrid.Functions.Ingest;

namespace Hybrid.Functions.Storage;

/// <summary>Ingest's fan-out target on Azure Storage Queues: base64 message text, queues created on demand.</summary>
internal sealed class QueueMessageSender : IMessageQueues
{
    private readonly StorageQueueClient _queues;
    private readonly ILogger<QueueMessageSender> _logger;

    public QueueMessageSender(StorageQueueClient queues, ILogger<QueueMessageSender> logger)
    {
        _queues = queues;
        _logger = logger;
    }

    public async Task EnsureQueueAsync(string queueName, CancellationToken cancellationToken)
    {
        if (await _queues.CreateQueueIfNotExistsAsync(queueName, cancellationToken).ConfigureAwait(false))
        {
            Log.QueueCreated(_logger, queueName);
        }
    }

    public async Task SendAsync(string queueName, ReadOnlyMemory<byte> messageText, CancellationToken cancellationToken)
    {
        // Acknowledged readings must never expire unread (the service default is 7 days): consumers delete them.
        if (await _queues.TryPutMessageAsync(queueName, messageText, cancellationToken, timeToLive: Timeout.InfiniteTimeSpan).ConfigureAwait(false))
        {
            return;
        }

        // The queue vanished after the caller ensured it (deleted by an operator or a test): create it and put once more.
        await EnsureQueueAsync(queueName, cancellationToken).ConfigureAwait(false);
        if (!await _queues.TryPutMessageAsync(queueName, messageText, cancellationToken, timeToLive: Timeout.InfiniteTimeSpan).ConfigureAwait(false))
        {
            throw new StorageRequestException($"PutMessage {queueName}", System.Net.HttpStatusCode.NotFound, "QueueNotFound",
                $"Queue {queueName} does not exist even after creating it.");
        }
    }
}
