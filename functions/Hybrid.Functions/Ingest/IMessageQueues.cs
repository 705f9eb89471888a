namespace Hybrid.Functions.Ingest;

/// <summary>The fan-out target: Azure Storage Queues (or Azurite), seen as narrowly as ingest needs them.</summary>
internal interface IMessageQueues
{
    /// <summary>Creates <paramref name="queueName"/> if it does not exist yet (idempotent; callers cache the outcome).</summary>
    Task EnsureQueueAsync(string queueName, CancellationToken cancellationToken);

    /// <summary>
    /// Puts one message whose text is <paramref name="messageText"/> (the implementation base64-encodes it as the
    /// Functions queue trigger expects). Retries transient failures; throws <see cref="StorageUnavailableException"/>
    /// when storage cannot be reached.
    /// </summary>
    Task SendAsync(string queueName, ReadOnlyMemory<byte> messageText, CancellationToken cancellationToken);
}
