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
    /// <summary>Readings written between two hand-overs of the JSON to gzip.</summary>
    private const int ChunkReadings = 128;

    private readonly MemoryStream _buffer = new(64 * 1024);
    private readonly Utf8JsonWriter _json = new(Stream.Null, new JsonWriterOptions { SkipValidation = true });

    /// <summary>
    /// Serializes <paramref name="readings"/> of one lane, stating that every seq through <paramref name="settledThrough"/>
    /// is settled here (omitted when 0); the memory stays valid until the next call. The JSON goes to gzip every
    /// <see cref="ChunkReadings"/> readings; with <paramref name="yieldBetweenChunks"/> the thread offers its core to
    /// any other thread waiting for it between two chunks (the low-priority preparation thread does).
    /// </summary>
    public ReadOnlyMemory<byte> Write(string device, string epoch, long settledThrough, ReadOnlySpan<StoredReading> readings, bool yieldBetweenChunks = false)
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
            for (var i = 0; i < readings.Length; i++)
            {
                _json.WriteStartObject();
                ReadingJson.WriteFields(_json, readings[i]);
                _json.WriteEndObject();
                if ((i + 1) % ChunkReadings == 0)
                {
                    _json.Flush();
                    if (yieldBetweenChunks)
                    {
                        Thread.Yield();
                    }
                }
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
