using Hybrid.QueueReader.Messages;
using Hybrid.QueueReader.Storage;

namespace Hybrid.QueueReader.Cli;

/// <summary><c>tail QUEUE</c>: prints each item as a JSON line, in the order the queue hands out messages.</summary>
internal static class TailCommand
{
    public static async Task<int> RunAsync(QueueMessageSource source, ScanOptions options, bool dedupe, long? maxItems, TextWriter output, TextWriter error, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        if (!await source.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new QueueAccessException(QueueFailure.QueueNotFound, $"queue '{source.Name}' does not exist (the Function creates it when it first sends to it)");
        }

        var filter = new DuplicateFilter();
        long printed = 0, undecodable = 0;
        try
        {
            await foreach (var message in new QueueScanner(source, options, time).ScanAsync(cancellationToken).ConfigureAwait(false))
            {
                if (message.Error is not null)
                {
                    undecodable++;
                    await QueueCommandRunner.ReportUndecodableAsync(error, source.Name, message).ConfigureAwait(false);
                    continue;
                }

                foreach (var item in message.Items)
                {
                    if (!filter.TryAdd(item.Identity) && dedupe)
                    {
                        continue;
                    }

                    await output.WriteLineAsync(ItemJsonWriter.ToJsonLine(source.Name, item)).ConfigureAwait(false);
                    if (++printed == maxItems)
                    {
                        // Stop before the message is deleted: with --delete, a message only partly printed stays in the queue.
                        return ExitCodes.Ok;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (options.Follow && cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C is how a followed tail ends.
        }

        return undecodable > 0 ? ExitCodes.UndecodableMessages : ExitCodes.Ok;
    }
}
