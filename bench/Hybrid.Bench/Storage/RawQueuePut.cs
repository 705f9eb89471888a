using Azure.Storage.Queues;
using Hybrid.Contracts;
using Hybrid.Functions.Ingest;

namespace Hybrid.Bench.Storage;

/// <summary>
/// The raw side of the ingest and uplink benches: the Azure SDK's own <see cref="QueueClient.SendMessageAsync(BinaryData, TimeSpan?, TimeSpan?, CancellationToken)"/>
/// putting the very messages ingest makes (same packer, same prefix, same time-to-live), with ingest's per-batch parallelism.
/// </summary>
internal static class RawQueuePut
{
    /// <summary>Ingest's time-to-live: never expire.</summary>
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    /// <summary>The queue messages ingest makes of <paramref name="batch"/> when every item is valid: same packer, same prefix.</summary>
    public static List<OutgoingMessage> Pack(MessagePacker packer, string queue, IngestBatch batch) =>
        packer.Pack(queue, QueueMessageWriter.Prefix(batch.Device, batch.Epoch), [.. batch.Messages.Select(m => new PackItem(m, m.Seq, null))]);

    /// <summary>Puts one batch's messages in parallel into <paramref name="queue"/>, as ingest fans out one request.</summary>
    public static Task PutBatchAsync(QueueClient queue, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken) =>
        Task.WhenAll(messages.Select(m => queue.SendMessageAsync(BinaryData.FromBytes(m.Text), visibilityTimeout: null, timeToLive: NeverExpires, cancellationToken)));
}
