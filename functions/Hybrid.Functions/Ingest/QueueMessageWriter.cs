using System.Runtime.InteropServices;
using System.Text.Json;
using Hybrid.Contracts;

namespace Hybrid.Functions.Ingest;

/// <summary>
/// The queue message format (version 1), one UTF-8 JSON object per message:
/// <c>{"v":1,"device":"…","epoch":"…","items":[{"seq":1,"type":"…","ts":"…Z","source":"…","key":"…","payload":{…}}]}</c>.
/// <c>key</c> is left out when the reading has none; <c>payload</c> is the reading's JSON verbatim.
/// Items in the rejected queue carry <c>"reason"</c> too; for them long strings are cut to 256 characters and a payload
/// over 32 KiB is replaced by <c>"payloadBytes"</c>, so every rejected item fits in a message.
/// <c>(device, epoch, seq)</c> identifies an item forever, which lets consumers drop the rare duplicate.
/// </summary>
internal static class QueueMessageWriter
{
    public const int Version = 1;

    private const int RejectedStringLimit = 256;

    /// <summary>The bytes that open a message: <c>{"v":1,"device":…,"epoch":…,"items":[</c>.</summary>
    public static byte[] Prefix(string device, string epoch)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", Version);
            writer.WriteString("device", device);
            writer.WriteString("epoch", epoch);
            writer.WritePropertyName("items");
            writer.WriteStartArray();

            // Flush with the array open: the packer appends items and closes with "]}".
            writer.Flush();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The bytes that close a message.</summary>
    public static ReadOnlySpan<byte> Suffix => "]}"u8;

    /// <summary>Writes one item; <paramref name="reason"/> marks it as a rejected item.</summary>
    public static void WriteItem(Utf8JsonWriter writer, WireReading? reading, long seq, string? reason)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteNumber("seq", seq);
        if (reading is not null)
        {
            WriteString(writer, "type", reading.Type, reason);
            writer.WriteString("ts", reading.Ts.UtcDateTime);
            WriteString(writer, "source", reading.Source, reason);
            WriteString(writer, "key", reading.Key, reason);
            var payloadBytes = BatchValidator.PayloadBytes(reading);
            if (reading.Payload.ValueKind == JsonValueKind.Undefined)
            {
                // Only reachable for rejected items; a valid reading always has a payload.
            }
            else if (payloadBytes <= WireRules.MaxPayloadBytes)
            {
                writer.WritePropertyName("payload");
                writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(reading.Payload), skipInputValidation: true);
            }
            else
            {
                writer.WriteNumber("payloadBytes", payloadBytes);
            }
        }

        if (reason is not null)
        {
            writer.WriteString("reason", reason);
        }

        writer.WriteEndObject();
    }

    private static void WriteString(Utf8JsonWriter writer, string name, string? value, string? reason)
    {
        if (value is null)
        {
            return;
        }

        writer.WriteString(name, reason is not null && value.Length > RejectedStringLimit ? value.AsSpan(0, RejectedStringLimit) : value.AsSpan());
    }
}
