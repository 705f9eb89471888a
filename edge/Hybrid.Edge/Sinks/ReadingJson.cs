using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Hybrid.Edge.Store;

namespace Hybrid.Edge.Sinks;

/// <summary>
/// A reading as JSON: the wire envelope's fields (shared with the uplink's batches), and the MQTT payload, which adds
/// <c>device</c> and <c>epoch</c> so a subscriber can drop QoS 1 duplicates by <c>(device, epoch, seq)</c>. The
/// reading's own payload is written verbatim.
/// </summary>
internal sealed class ReadingJson : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;

    public ReadingJson()
    {
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>Writes <c>"ts"</c> as UTC with milliseconds (<c>2026-11-23T13:35:00.123Z</c>) without allocating a string.</summary>
    public static void WriteTimestamp(Utf8JsonWriter writer, DateTimeOffset ts)
    {
        Span<byte> text = stackalloc byte[24];
        _ = ts.UtcDateTime.TryFormat(text, out var length, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        writer.WriteString("ts"u8, text[..length]);
    }

    /// <summary>Serializes <paramref name="reading"/>; the memory is valid until the next call.</summary>
    public ReadOnlyMemory<byte> Write(string device, string epoch, StoredReading reading)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        _writer.WriteString("device"u8, device);
        _writer.WriteString("epoch"u8, epoch);
        WriteFields(_writer, reading);
        _writer.WriteEndObject();
        _writer.Flush();
        return _buffer.WrittenMemory;
    }

    /// <summary>Writes the properties of wire contract v1's <c>WireReading</c> (seq, type, ts, source, key, payload).</summary>
    public static void WriteFields(Utf8JsonWriter writer, StoredReading reading)
    {
        writer.WriteNumber("seq"u8, reading.Seq);
        writer.WriteString("type"u8, reading.Type);
        WriteTimestamp(writer, reading.Ts);
        writer.WriteString("source"u8, reading.Source);
        if (reading.Key is not null)
        {
            writer.WriteString("key"u8, reading.Key);
        }

        writer.WritePropertyName("payload"u8);
        if (reading.PayloadJson.IsEmpty)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteRawValue(reading.PayloadJson.Span, skipInputValidation: true);
        }
    }

    public void Dispose() => _writer.Dispose();
}
