using System.Globalization;
using Hybrid.QueueReader.Messages;
using Hybrid.QueueReader.Storage;

namespace Hybrid.QueueReader.Cli;

/// <summary><c>count QUEUE</c>: reads every message once and prints messages, items and, with <c>--dedupe</c>, unique items and duplicates.</summary>
internal static class CountCommand
{
    public static async Task<int> RunAsync(QueueMessageSource source, ScanOptions options, bool dedupe, TextWriter output, TextWriter error, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!await source.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new QueueAccessException(QueueFailure.QueueNotFound, $"queue '{source.Name}' does not exist (the Function creates it when it first sends to it)");
        }

        var filter = new DuplicateFilter();
        long messages = 0, items = 0, duplicates = 0, undecodable = 0;
        await foreach (var message in new QueueScanner(source, options, time).ScanAsync(cancellationToken).ConfigureAwait(false))
        {
            if (message.Error is not null)
            {
                undecodable++;
                await QueueCommandRunner.ReportUndecodableAsync(error, source.Name, message).ConfigureAwait(false);
                continue;
            }

            messages++;
            items += message.Items.Count;
            foreach (var item in message.Items)
            {
                if (!filter.TryAdd(item.Identity))
                {
                    duplicates++;
                }
            }
        }

        var line = string.Create(CultureInfo.InvariantCulture, $"{source.Name}: {messages} messages, {items} items");
        if (dedupe)
        {
            line += string.Create(CultureInfo.InvariantCulture, $", {items - duplicates} unique, {duplicates} duplicates");
        }

        if (undecodable > 0)
        {
            line += string.Create(CultureInfo.InvariantCulture, $", {undecodable} undecodable");
        }

        await output.WriteLineAsync(line).ConfigureAwait(false);
        return undecodable > 0 ? ExitCodes.UndecodableMessages : ExitCodes.Ok;
    }
}
