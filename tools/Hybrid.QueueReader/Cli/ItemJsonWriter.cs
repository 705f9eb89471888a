using System.Text.Json;
using Hybrid.QueueReader.Messages;

namespace Hybrid.QueueReader.Cli;

/// <summary>Writes an item as one line of JSON (for <c>jq</c> and scripts); the payload stays verbatim.</summary>
internal static class ItemJsonWriter
{
    public static string ToJsonLine(string queue, QueueItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("queue", queue);
            writer.WriteString("device", item.Device);
            writer.WriteString("epoch", item.Epoch);
            writer.WriteNumber("seq", item.Seq);
            WriteOptional(writer, "type", item.Type);
            WriteOptional(writer, "ts", item.Ts);
            WriteOptional(writer, "source", item.Source);
            WriteOptional(writer, "key", item.Key);
            if (item.Payload is not null)
            {
                writer.WritePropertyName("payload");
                writer.WriteRawValue(item.Payload, skipInputValidation: true);
            }

            if (item.PayloadBytes is { } bytes)
            {
                writer.WriteNumber("payloadBytes", bytes);
            }

            WriteOptional(writer, "reason", item.Reason);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
