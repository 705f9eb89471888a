using System.Runtime.CompilerServices;
using Hybrid.QueueReader.Messages;
using Hybrid.QueueReader.Storage;

namespace Hybrid.QueueReader.Cli;

/// <summary>
/// Reads every message of a queue once: receive a batch, hand each message on, then (with <see cref="ScanOptions.Delete"/>)
/// delete it — the order a consumer must keep so that a crash re-delivers rather than loses.
/// </summary>
internal sealed class QueueScanner(QueueMessageSource source, ScanOptions options, TimeProvider time)
{
    /// <summary>The messages, each once even when its visibility timeout runs out during a long scan.</summary>
    public async IAsyncEnumerable<ScannedMessage> ScanAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Without deleting, a message whose visibility timeout ran out comes back: its id tells it apart.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var batch = await source.ReceiveAsync(options.Visibility, cancellationToken).ConfigureAwait(false);
            var fresh = 0;
            foreach (var message in batch)
            {
                if (!options.Delete && !seen.Add(message.MessageId))
                {
                    continue;
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
