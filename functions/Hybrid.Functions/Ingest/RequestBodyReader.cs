using System.Globalization;
using System.IO.Compression;
using Microsoft.Net.Http.Headers;

namespace Hybrid.Functions.Ingest;

/// <summary>
/// Reads a request body within the limits: at most <see cref="IngestOptions.MaxBodyBytes"/> as sent and, for gzip,
/// at most <see cref="IngestOptions.MaxDecompressedBytes"/> after decompression. Decompression stops as soon as the
/// limit is passed, so a gzip bomb costs at most the limit in memory and time.
/// </summary>
internal static class RequestBodyReader
{
    private const int ReadChunk = 64 * 1024;

    public static async Task<(PooledBuffer? Body, IngestProblem? Problem)> ReadAsync(HttpRequest request, IngestOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        if (CheckContentType(request.ContentType) is { } typeProblem)
        {
            return (null, typeProblem);
        }

        var encoding = request.Headers.ContentEncoding.ToString().Trim();
        var gzip = encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase) || encoding.Equals("x-gzip", StringComparison.OrdinalIgnoreCase);
        if (!gzip && encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return (null, new IngestProblem(StatusCodes.Status415UnsupportedMediaType,
                $"Content-Encoding '{ReasonText.Quote(encoding)}' is not supported; send the JSON as is or with Content-Encoding: gzip."));
        }

        if (request.ContentLength > options.MaxBodyBytes)
        {
            return (null, TooLarge(request.ContentLength.Value, options.MaxBodyBytes));
        }

        var raw = new PooledBuffer((int)Math.Min(request.ContentLength ?? ReadChunk, options.MaxBodyBytes + 1L));
        try
        {
            if (!await ReadAtMostAsync(request.Body, raw, options.MaxBodyBytes, cancellationToken).ConfigureAwait(false))
            {
                return (null, TooLarge(null, options.MaxBodyBytes));
            }

            if (raw.Length == 0)
            {
                return (null, new IngestProblem(StatusCodes.Status400BadRequest, "The body is empty; send a JSON batch {device, epoch, messages}."));
            }

            if (!gzip)
            {
                var body = raw;
                raw = null;
                return (body, null);
            }

            return await DecompressAsync(raw, options.MaxDecompressedBytes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            raw?.Dispose();
        }
    }

    private static async Task<(PooledBuffer? Body, IngestProblem? Problem)> DecompressAsync(PooledBuffer compressed, int limit, CancellationToken cancellationToken)
    {
        var output = new PooledBuffer(Math.Min(limit + 1, compressed.Length * 4));
        try
        {
            var source = compressed.AsStream();
            await using (source.ConfigureAwait(false))
            {
                var gzip = new GZipStream(source, CompressionMode.Decompress);
                await using (gzip.ConfigureAwait(false))
                {
                    if (!await ReadAtMostAsync(gzip, output, limit, cancellationToken).ConfigureAwait(false))
                    {
                        return (null, new IngestProblem(StatusCodes.Status413PayloadTooLarge,
                            $"The gzip body expands to more than {limit} bytes (Hybrid:Ingest:MaxDecompressedBytes); send smaller batches."));
                    }
                }
            }

            if (output.Length == 0)
            {
                return (null, new IngestProblem(StatusCodes.Status400BadRequest, "The gzip body decompresses to nothing; send a JSON batch {device, epoch, messages}."));
            }

            var body = output;
            output = null;
            return (body, null);
        }
        catch (InvalidDataException ex)
        {
            return (null, new IngestProblem(StatusCodes.Status400BadRequest, $"The body is not valid gzip ({ex.Message}); send gzip data with Content-Encoding: gzip, or plain JSON without it."));
        }
        finally
        {
            output?.Dispose();
        }
    }

    /// <summary>Copies <paramref name="stream"/> into <paramref name="buffer"/>; false as soon as more than <paramref name="limit"/> bytes arrive.</summary>
    private static async Task<bool> ReadAtMostAsync(Stream stream, PooledBuffer buffer, int limit, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Ask for one byte beyond the limit so "exactly the limit" and "over it" can be told apart.
            var room = (int)Math.Min(ReadChunk, limit + 1L - buffer.Length);
            var read = await stream.ReadAsync(buffer.GetFreeMemory(room)[..room], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return true;
            }

            buffer.Advance(read);
            if (buffer.Length > limit)
            {
                return false;
            }
        }
    }

    private static IngestProblem? CheckContentType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return null;
        }

        if (MediaTypeHeaderValue.TryParse(contentType, out var media) &&
            (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        return new IngestProblem(StatusCodes.Status415UnsupportedMediaType, $"Content-Type '{ReasonText.Quote(contentType)}' is not supported; send application/json.");
    }

    private static IngestProblem TooLarge(long? length, int limit) => new(StatusCodes.Status413PayloadTooLarge,
        length is { } l
            ? string.Create(CultureInfo.InvariantCulture, $"The body is {l} bytes; at most {limit} bytes are accepted (Hybrid:Ingest:MaxBodyBytes). Send smaller batches.")
            : string.Create(CultureInfo.InvariantCulture, $"The body is larger than {limit} bytes (Hybrid:Ingest:MaxBodyBytes). Send smaller batches."));
}
