using System.Buffers;
using System.IO.Pipelines;
using Hybrid.Edge.Store;
using Microsoft.Extensions.Logging;

namespace Hybrid.Edge.Capture;

/// <summary>
/// Reads newline-separated JSON from a stream until it ends and writes each object as a reading; when the store's
/// channel is full it stops reading until there is room (the producer's pipe holds the rest), so nothing is dropped.
/// A line that is not a reading is counted and logged (throttled), never fatal.
/// </summary>
internal sealed class JsonLineReader(string sourceName, JsonLineMapper mapper, IReadingWriter writer, LineSourceCounters counters, LogThrottle throttle, ILogger logger)
{
    /// <summary>Reads until the end of <paramref name="stream"/> (or cancellation).</summary>
    public async Task ReadToEndAsync(Stream stream, CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        var skipping = false;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                if (skipping && SkipPastNewline(ref buffer))
                {
                    skipping = false;
                }

                while (!skipping && TryReadLine(ref buffer, out var line))
                {
                    if (Map(line) is { } reading)
                    {
                        await StoreAsync(reading, cancellationToken).ConfigureAwait(false);
                    }
                }

                if (!skipping && buffer.Length > JsonLineMapper.MaxLineBytes)
                {
                    // No newline within the limit: refuse the line once and drop the rest of it as it arrives.
                    Refuse($"line longer than {JsonLineMapper.MaxLineBytes} bytes");
                    skipping = true;
                    buffer = buffer.Slice(buffer.End);
                }

                if (result.IsCompleted)
                {
                    if (!skipping && !buffer.IsEmpty && Map(buffer) is { } last)
                    {
                        await StoreAsync(last, cancellationToken).ConfigureAwait(false);
                    }

                    reader.AdvanceTo(buffer.End);
                    return;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Drops the buffer up to and including the next newline; false (all dropped) when there is none yet.</summary>
    private static bool SkipPastNewline(ref ReadOnlySequence<byte> buffer)
    {
        if (TryReadLine(ref buffer, out _))
        {
            return true;
        }

        buffer = buffer.Slice(buffer.End);
        return false;
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, newline.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        return true;
    }

    /// <summary>The line's reading, or null when it is empty or refused (counted and logged).</summary>
    private CaptureReading? Map(ReadOnlySequence<byte> line)
    {
        var span = line.IsSingleSegment ? line.FirstSpan : line.ToArray();
        if (span.Trim(" \t\r"u8).IsEmpty)
        {
            return null;
        }

        counters.AddLine();
        if (!mapper.TryMap(span, out var reading, out var error))
        {
            Refuse(error!);
            return null;
        }

        return reading;
    }

    /// <summary>
    /// Waits for room in the store rather than dropping: the producer's pipe fills meanwhile and it blocks on its
    /// writes, so a command faster than the store loses nothing.
    /// </summary>
    private async ValueTask StoreAsync(CaptureReading reading, CancellationToken cancellationToken)
    {
        if (await writer.WriteAsync(reading, cancellationToken).ConfigureAwait(false))
        {
            counters.AddReading();
        }
        else
        {
            counters.AddDropped();
        }
    }

    private void Refuse(string reason)
    {
        counters.AddRefused();
        if (throttle.TryEnter(out var suppressed))
        {
            CaptureLog.LineRefused(logger, sourceName, reason, counters.Refused, suppressed);
        }
    }
}
