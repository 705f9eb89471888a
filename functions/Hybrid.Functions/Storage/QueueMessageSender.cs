using System.Collections.Concurrent;
using Azure.Storage.Queues;
using Hybrid.Functions.Ingest;

namespace Hybrid.Functions.Storage;

/// <summary>Ingest's fan-out target on Azure Storage Queues: one <see cref="QueueClient"/> per queue, queues created on demand.</summary>
internal sealed class QueueMessageSender : IMessageQueues
{
    /// <summary>Acknowledged readings must never expire unread (the service default is 7 days): consumers delete them.</summary>
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    private readonly StorageAccountClients _clients;
    private readonly ILogger<QueueMessageSender> _logger;
    private readonly ConcurrentDictionary<string, QueueClient> _queues = new(StringComparer.Ordinal);

    public QueueMessageSender(StorageAccountClients clients, ILogger<QueueMessageSender> logger)
    {
        _clients = clients ?? throw new ArgumentNullException(nameof(clients));
        _logger = logger;
    }

    public async Task EnsureQueueAsync(string queueName, CancellationToken cancellationToken)
    {
        try
        {
            if (await Queue(queueName).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false) is not null)
            {
                Log.QueueCreated(_logger, queueName);
            }
        }
        catch (Exception ex) when (StorageErrors.Classify(ex) is not null)
        {
            throw _clients.Fail($"CreateQueue {queueName}", ex);
        }
    }

    public async Task SendAsync(string queueName, ReadOnlyMemory<byte> messageText, CancellationToken cancellationToken)
    {
        var queue = Queue(queueName);
        var message = BinaryData.FromBytes(messageText);
        try
        {
            await queue.SendMessageAsync(message, visibilityTimeout: null, timeToLive: NeverExpires, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (StorageErrors.Classify(ex) == StorageFailure.NotFound)
        {
            // The queue vanished after the caller ensured it (deleted by an operator or a test): create it and send once more.
        }
        catch (Exception ex) when (StorageErrors.Classify(ex) is not null)
        {
            throw _clients.Fail($"PutMessage {queueName}", ex);
        }

        await EnsureQueueAsync(queueName, cancellationToken).ConfigureAwait(false);
        try
        {
            await queue.SendMessageAsync(message, visibilityTimeout: null, timeToLive: NeverExpires, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageErrors.Classify(ex) is not null)
        {
            throw _clients.Fail($"PutMessage {queueName}", ex);
        }
    }

    private QueueClient Queue(string name) => _queues.GetOrAdd(name, static (n, clients) => clients.Queues.GetQueueClient(n), _clients);
}
