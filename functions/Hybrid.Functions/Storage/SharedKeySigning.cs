using System.Text;

namespace Hybrid.Functions.Storage;

/// <summary>
/// Strings-to-sign of the Shared Key scheme (REST reference "Authorize with Shared Key", version 2009-09-19 and later):
/// the Queue service signs twelve standard headers, the canonicalized <c>x-ms-*</c> headers and the resource with
/// every query parameter; the Table service signs verb, Content-MD5, Content-Type, date and the resource with only
/// <c>comp</c>.
/// </summary>
internal static class SharedKeySigning
{
    public static string QueueStringToSign(HttpRequestMessage request, string accountName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var content = request.Content?.Headers;
        var contentLength = content?.ContentLength;
        var builder = new StringBuilder(256)
            .Append(request.Method.Method).Append('\n')
            .Append(content is null ? "" : string.Join(',', content.ContentEncoding)).Append('\n')
            .Append(content is null ? "" : string.Join(',', content.ContentLanguage)).Append('\n')
            // Since version 2015-02-21 a zero length is signed as the empty string.
            .Append(contentLength is null or 0 ? "" : contentLength.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n')
            .Append(content?.ContentMD5 is { } md5 ? Convert.ToBase64String(md5) : "").Append('\n')
            .Append(content?.ContentType?.ToString() ?? "").Append('\n')
            .Append('\n') // Date: we always send x-ms-date, which is signed among the canonicalized headers instead.
            .Append(Header(request, "If-Modified-Since")).Append('\n')
            .Append(Header(request, "If-Match")).Append('\n')
            .Append(Header(request, "If-None-Match")).Append('\n')
            .Append(Header(request, "If-Unmodified-Since")).Append('\n')
            .Append(Header(request, "Range")).Append('\n');
        AppendCanonicalizedHeaders(builder, request);
        AppendCanonicalizedResource(builder, request.RequestUri!, accountName, allQueryParameters: true);
        return builder.ToString();
    }

    public static string TableStringToSign(HttpRequestMessage request, string accountName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var content = request.Content?.Headers;
        var builder = new StringBuilder(128)
            .Append(request.Method.Method).Append('\n')
            .Append(content?.ContentMD5 is { } md5 ? Convert.ToBase64String(md5) : "").Append('\n')
            .Append(content?.ContentType?.ToString() ?? "").Append('\n')
            .Append(Header(request, "x-ms-date")).Append('\n');
        AppendCanonicalizedResource(builder, request.RequestUri!, accountName, allQueryParameters: false);
        return builder.ToString();
    }

    private static string Header(HttpRequestMessage request, string name) =>
        request.Headers.NonValidated.TryGetValues(name, out var values) ? string.Join(',', values) : "";

    private static void AppendCanonicalizedHeaders(StringBuilder builder, HttpRequestMessage request)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var header in request.Headers.NonValidated)
        {
            if (header.Key.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            {
                headers.Add(new(header.Key.ToLowerInvariant(), string.Join(',', header.Value).Trim()));
            }
        }

        headers.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var (name, value) in headers)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }
    }

    private static void AppendCanonicalizedResource(StringBuilder builder, Uri uri, string accountName, bool allQueryParameters)
    {
        // The path as sent (percent-encoded); for path-style endpoints (Azurite) it starts with the account name again.
        builder.Append('/').Append(accountName).Append(uri.AbsolutePath);
        var query = uri.Query;
        if (query.Length <= 1)
        {
            return;
        }

        var parameters = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in query[1..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]).ToLowerInvariant();
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
            if (!parameters.TryGetValue(name, out var values))
            {
                parameters[name] = values = [];
            }

            values.Add(value);
        }

        if (!allQueryParameters)
        {
            // Table Shared Key: only comp, appended as a query string.
            if (parameters.TryGetValue("comp", out var comp))
            {
                builder.Append("?comp=").Append(comp[0]);
            }

            return;
        }

        foreach (var (name, values) in parameters)
        {
            values.Sort(StringComparer.Ordinal);
            builder.Append('\n').Append(name).Append(':').AppendJoin(',', values);
        }
    }
}
