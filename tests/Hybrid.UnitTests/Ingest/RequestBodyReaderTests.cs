using System.IO.Compression;
using System.Text;
using Hybrid.Functions.Ingest;
using Microsoft.AspNetCore.Http;

namespace Hybrid.UnitTests.Ingest;

public sealed class RequestBodyReaderTests
{
    private static readonly IngestOptions Options = new() { MaxBodyBytes = 64 * 1024, MaxDecompressedBytes = 256 * 1024 };

    [Fact]
    public async Task Read_GzipBomb_StopsAtTheLimitWith413()
    {
        // 100 MiB of zeros compress to ~100 KiB; pass the compressed size check, trip the decompressed one.
        var bomb = Gzip(new byte[100 * 1024 * 1024]);
        var options = new IngestOptions { MaxBodyBytes = 4 * 1024 * 1024, MaxDecompressedBytes = 1024 * 1024 };

        var (body, problem) = await RequestBodyReader.ReadAsync(Request(bomb, encoding: "gzip"), options, default);

        Assert.Null(body);
        Assert.Equal(413, problem!.StatusCode);
        Assert.Contains("expands to more than 1048576 bytes", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_Gzip_ReturnsTheDecompressedBody()
    {
        var json = Encoding.UTF8.GetBytes("{\"hello\":\"world\"}");

        var (body, problem) = await RequestBodyReader.ReadAsync(Request(Gzip(json), encoding: "GZIP"), Options, default);

        Assert.Null(problem);
        Assert.Equal(json, body!.Span.ToArray());
        body.Dispose();
    }

    [Theory]
    [InlineData(65 * 1024, true, 413, "The body is 66560 bytes")]
    [InlineData(65 * 1024, false, 413, "larger than 65536 bytes")]
    [InlineData(0, false, 400, "The body is empty")]
    public async Task Read_SizeLimits_AreEnforcedWithAndWithoutContentLength(int size, bool declareLength, int status, string reason)
    {
        var request = Request(new byte[size]);
        if (!declareLength)
        {
            request.ContentLength = null;
        }

        var (body, problem) = await RequestBodyReader.ReadAsync(request, Options, default);

        Assert.Null(body);
        Assert.Equal(status, problem!.StatusCode);
        Assert.Contains(reason, problem.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("br", null, 415, "Content-Encoding 'br' is not supported")]
    [InlineData("gzip, gzip", null, 415, "Content-Encoding 'gzip, gzip' is not supported")]
    [InlineData(null, "text/plain", 415, "Content-Type 'text/plain' is not supported")]
    [InlineData("gzip", null, 400, "The body is not valid gzip")]
    public async Task Read_WrongEncodingOrType_RefusesWithReason(string? encoding, string? type, int status, string reason)
    {
        var (body, problem) = await RequestBodyReader.ReadAsync(Request("{}"u8.ToArray(), encoding, type), Options, default);

        Assert.Null(body);
        Assert.Equal(status, problem!.StatusCode);
        Assert.Contains(reason, problem.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/vnd.hybrid+json")]
    [InlineData(null)]
    public async Task Read_JsonContentTypes_AreAccepted(string? type)
    {
        var (body, problem) = await RequestBodyReader.ReadAsync(Request("{}"u8.ToArray(), "identity", type), Options, default);

        Assert.Null(problem);
        Assert.Equal("{}"u8.ToArray(), body!.Span.ToArray());
        body.Dispose();
    }

    private static HttpRequest Request(byte[] body, string? encoding = null, string? contentType = "application/json")
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        context.Request.ContentType = contentType;
        if (encoding is not null)
        {
            context.Request.Headers.ContentEncoding = encoding;
        }

        return context.Request;
    }

    internal static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
