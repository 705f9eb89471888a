using Hybrid.QueueReader.Messages;
using Hybrid.QueueReader.Storage;

namespace Hybrid.Demo.Watch;

/// <summary>
/// The demo's consumer of the Function's queues, built on the queue reader: receives, decodes, records each item in
/// the ledger, then deletes the message. A queue not created yet reads as empty.
/// </summary>
internal sealed class QueueWatcher(IReadOnlyList<QueueMessageSource> queues, DeliveryLedger ledger)
{
    /// <summary>
    /// How long a received message stays hidden. A message comes back after it when its delete failed (the ledger knows
    /// it and does not count it again) or when a receive's answer was lost; the completeness check then waits this long
    /// for its items, so it is short.
    /// </summary>
    private static readonly TimeSpan Visibility = TimeSpan.FromSeconds(10);

    /// <summary>Why the last pass failed (e.g. Azurite is down), or null.</summary>
    public string? LastError { get; private set; }

    /// <summary>Messages that were not in the v1 format (left in their queue).</summary>
    public long Undecodable { get; private set; }

    /// <summary>Reads every queue until it is empty.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var queue in queues)
            {
                await DrainAsync(queue, cancellationToken).ConfigureAwait(false);
            }

            LastError = null;
        }
        catch (QueueAccessException e)
        {
            LastError = e.Message;
        }
    }

    private async Task DrainAsync(QueueMessageSource queue, CancellationToken cancellationToken)
    {
        var items = new List<QueueItem>();
        while (true)
        {
            IReadOnlyList<ReceivedMessage> batch;
            try
            {
                batch = await queue.ReceiveAsync(Visibility, cancellationToken).ConfigureAwait(false);
            }
            catch (QueueAccessException e) when (e.Failure == QueueFailure.QueueNotFound)
            {
                return;
            }

            if (batch.Count == 0)
            {
                return;
            }

            foreach (var message in batch)
            {
                items.Clear();
                if (!QueueMessageDecoder.TryDecode(message.Body.ToMemory().Span, items, out _))
                {
                    Undecodable++;
                    continue;
                }

                ledger.Record(queue.Name, message.MessageId, items);
                await queue.DeleteAsync(message, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
