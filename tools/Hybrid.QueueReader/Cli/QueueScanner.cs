using System.Runtime.CompilerServices;
using Hybrid.QueueReader.Messages;
using Hybrid.QueueReader.Storage;

namespace Hybrid.QueueReader.Cli;

/// <summary>
/// Reads every message of a queue once: receive a batch, hand each message on, then (with <see cref="ScanOptions.Delete"/>)
/// delete it — the order a consumer must keep so that a crash re-delivers rather than loses. Without deleting, the
/// messages read are made visible again when the scan ends, so the queue is left as found (if the reader dies first,
/// they come back after the visibility timeout anyway).
/// </summary>
internal sealed class QueueScanner(QueueMessageSource source, ScanOptions options, TimeProvider time)
{
    /// <summary>The messages, each once even when its visibility timeout runs out during a long scan.</summary>
    public async IAsyncEnumerable<ScannedMessage> ScanAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Without deleting, a message whose visibility timeout ran out comes back: its id tells it apart.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var held = new Dictionary<string, ReceivedMessage>(StringComparer.Ordinal);
        try
        {
            await foreach (var message in ReadAsync(seen, held, cancellationToken).ConfigureAwait(false))
            {
                yield return message;
            }
        }
        finally
        {
            foreach (var message in held.Values)
            {
                await source.ReleaseAsync(message, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private async IAsyncEnumerable<ScannedMessage> ReadAsync(HashSet<string> seen, Dictionary<string, ReceivedMessage> held, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var batch = await source.ReceiveAsync(options.Visibility, cancellationToken).ConfigureAwait(false);
            var fresh = 0;
            foreach (var message in batch)
            {
                if (!options.Delete)
                {
                    // The newest receipt is the one that can release it.
                    held[message.MessageId] = message;
                    if (!seen.Add(message.MessageId))
                    {
                        continue;
                    }
                }

                fresh++;
                var items = new List<QueueItem>();
                var decoded = QueueMessageDecoder.TryDecode(message.Body.ToMemory().Span, items, out var error);
                yield return new ScannedMessage(message, items, decoded ? null : error);
                if (options.Delete && decoded)
                {
                    await source.DeleteAsync(message, cancellationToken).ConfigureAwait(false);
                }
            }

            if (fresh == 0)
            {
                if (!options.Follow)
                {
                    yield break;
                }

                await Task.Delay(options.PollInterval, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
