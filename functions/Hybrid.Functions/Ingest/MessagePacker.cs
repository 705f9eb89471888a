using System.Buffers;
using System.Text.Json;

namespace Hybrid.Functions.Ingest;

/// <summary>
/// Packs the items of one queue into as few messages as fit the service limit, or one item per message.
/// The limit counts the base64 text the service stores, so a message's UTF-8 JSON may be at most 3/4 of it.
/// </summary>
internal sealed class MessagePacker
{
    private readonly int _maxTextBytes;
    private readonly PackingMode _mode;

    public MessagePacker(int maxEncodedBytes, PackingMode mode)
    {
        // base64 turns every 3 bytes (or part of 3) into 4 characters.
        _maxTextBytes = maxEncodedBytes / 4 * 3;
        _mode = mode;
    }

    /// <summary>Packs <paramref name="items"/> (seq order) of one queue.</summary>
    public List<OutgoingMessage> Pack(string queue, byte[] prefix, IReadOnlyList<PackItem> items)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(items);
        var messages = new List<OutgoingMessage>();
        if (items.Count == 0)
        {
            return messages;
        }

        var itemBytes = new ArrayBufferWriter<byte>(items.Count * 256);
        var ends = new int[items.Count];
        using (var writer = new Utf8JsonWriter(itemBytes, new JsonWriterOptions { SkipValidation = true }))
        {
            for (var i = 0; i < items.Count; i++)
            {
                QueueMessageWriter.WriteItem(writer, items[i].Reading, items[i].Seq, items[i].Reason);
                writer.Flush();
                ends[i] = itemBytes.WrittenCount;
                writer.Reset();
            }
        }

        var all = itemBytes.WrittenMemory;
        var room = _maxTextBytes - prefix.Length - QueueMessageWriter.Suffix.Length;
        var first = 0;
        while (first < items.Count)
        {
            var start = first == 0 ? 0 : ends[first - 1];
            if (ends[first] - start > room)
            {
                // Validation bounds every field so this cannot happen; failing loudly beats a message the service refuses.
                throw new InvalidOperationException($"Item seq {items[first].Seq} is {ends[first] - start} bytes, more than a queue message holds ({room}).");
            }

            // Items are separated by one comma each.
            var last = first;
            var size = ends[first] - start;
            while (_mode == PackingMode.Packed && last + 1 < items.Count && size + 1 + (ends[last + 1] - ends[last]) <= room)
            {
                size += 1 + (ends[last + 1] - ends[last]);
                last++;
            }

            var text = new byte[prefix.Length + size + QueueMessageWriter.Suffix.Length];
            prefix.CopyTo(text, 0);
            var position = prefix.Length;
            for (var i = first; i <= last; i++)
            {
                if (i > first)
                {
                    text[position++] = (byte)',';
                }

                var from = i == 0 ? 0 : ends[i - 1];
                all.Span[from..ends[i]].CopyTo(text.AsSpan(position));
                position += ends[i] - from;
            }

            QueueMessageWriter.Suffix.CopyTo(text.AsSpan(position));
            messages.Add(new OutgoingMessage(queue, text, items[first].Seq, last - first + 1));
            first = last + 1;
        }

        return messages;
    }
}
