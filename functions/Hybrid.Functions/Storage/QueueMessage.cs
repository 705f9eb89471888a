namespace Hybrid.Functions.Storage;

/// <summary>
/// A message read from a queue. <paramref name="Body"/> is the base64-decoded message text (what was put with
/// <see cref="StorageQueueClient.TryPutMessageAsync"/>); a text that is not base64 is returned as its UTF-8 bytes.
/// <paramref name="PopReceipt"/> is null for peeked messages.
/// </summary>
internal sealed record QueueMessage(
    string MessageId,
    string? PopReceipt,
    ReadOnlyMemory<byte> Body,
    long DequeueCount,
    DateTimeOffset InsertionTime,
    DateTimeOffset ExpirationTime,
    DateTimeOffset? TimeNextVisible);
