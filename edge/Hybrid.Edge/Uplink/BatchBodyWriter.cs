using System.IO.Compression;
using System.Text.Json;
using Hybrid.Edge.Sinks;
using Hybrid.Edge.Store;

namespace Hybrid.Edge.Uplink;

/// <summary>
/// Writes a batch as wire contract v1 (<c>IngestBatch</c>), gzip-compressed, into one buffer reused batch after batch.
/// Written field by field rather than through <c>ContractJsonContext</c>: a stored payload is already JSON bytes,
/// and the generated serializer would need each one parsed into a <c>JsonElement</c> first. A unit test reads the
/// output back through <c>ContractJsonContext</c>, so the two cannot drift.
/// </summary>
internal sealed class BatchBodyWriter : IDisposable
{
    private readonly MemoryStream _buffer = new(64 * 1024);
    private readonly Utf8JsonWriter _json = new(Stream.Null, new JsonWriterOptions { SkipValidation = true });

    /// <summary>
    /// Serializes <paramref name="readings"/> of one lane, stating that every seq through <paramref name="settledThrough"/>
    /// is settled here (omitted when 0); the memory stays valid until the next call.
    /// </summary>
    public ReadOnlyMemory<byte> Write(string device, string epoch, long settledThrough, ReadOnlySpan<StoredReading> readings)
    {
        _buffer.SetLength(0);
        using (var gzip = new GZipStream(_buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            _json.Reset(gzip);
            _json.WriteStartObject();
            _json.WriteString("device"u8, device);
            _json.WriteString("epoch"u8, epoch);
            if (settledThrough > 0)
            {
                _json.WriteNumber("settledThrough"u8, settledThrough);
            }

            _json.WriteStartArray("messages"u8);
            foreach (var reading in readings)
            {
                _json.WriteStartObject();
                ReadingJson.WriteFields(_json, reading);
                _json.WriteEndObject();
            }

            _json.WriteEndArray();
            _json.WriteEndObject();
            _json.Flush();

            // Detach before the gzip stream is disposed: the writer must never flush into a closed stream.
            _json.Reset(Stream.Null);
        }

        return _buffer.GetBuffer().AsMemory(0, (int)_buffer.Length);
    }

    public void Dispose()
    {
        _json.Dispose();
        _buffer.Dispose();
    }
}
