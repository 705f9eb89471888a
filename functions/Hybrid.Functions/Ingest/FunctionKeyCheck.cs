using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Hybrid.Functions.Ingest;

/// <summary>
/// Standalone key check, as the Functions host does for <c>authLevel: function</c>: the key comes in the
/// <c>x-functions-key</c> header or the <c>code</c> query parameter. Compared as SHA-256 digests in constant time, so
/// neither the content nor the length of the key leaks through timing. Under the Functions host the host has checked
/// the key already: <see cref="CheckedByHost"/> lets every request through.
/// </summary>
internal sealed class FunctionKeyCheck
{
    public const string HeaderName = "x-functions-key";
    public const string QueryName = "code";

    private readonly byte[]? _expectedDigest;
    private readonly bool _checkedByHost;

    public FunctionKeyCheck(IOptions<IngestOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = options.Value.FunctionKey;
        _expectedDigest = string.IsNullOrEmpty(key) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }

    private FunctionKeyCheck() => _checkedByHost = true;

    /// <summary>The check for the Functions host, which answers 401 itself before a request reaches the worker.</summary>
    public static FunctionKeyCheck CheckedByHost { get; } = new();

    /// <summary>True when the host checked the key, no key is configured (allowed only with RequireFunctionKey=false), or the request carries it.</summary>
    public bool IsAuthorized(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_checkedByHost || _expectedDigest is null)
        {
            return true;
        }

        var provided = request.Headers[HeaderName].ToString();
        if (provided.Length == 0)
        {
            provided = request.Query[QueryName].ToString();
        }

        if (provided.Length == 0)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(provided)), _expectedDigest);
    }
}
