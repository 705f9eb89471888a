using System.Diagnostics.CodeAnalysis;

namespace Hybrid.Functions.Storage;

/// <summary>
/// Parses Azure Storage connection strings (<c>key=value;…</c>, keys case-insensitive): <c>UseDevelopmentStorage=true</c>,
/// <c>DefaultEndpointsProtocol</c>, <c>AccountName</c>, <c>AccountKey</c>, <c>EndpointSuffix</c>, <c>QueueEndpoint</c>,
/// <c>TableEndpoint</c>. Error messages never contain the key.
/// </summary>
internal static class StorageConnectionString
{
    public const string DefaultEndpointSuffix = "core.windows.net";

    /// <summary>Azurite's well-known development account (public, documented by Microsoft).</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    private const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static bool TryParse(string? connectionString, [NotNullWhen(true)] out StorageAccount? account, [NotNullWhen(false)] out string? error)
    {
        account = null;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            error = "it is empty; use e.g. UseDevelopmentStorage=true or DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…";
            return false;
        }

        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                // The part itself is not shown: it could be a pasted key.
                error = $"part {i + 1} is not a key=value pair";
                return false;
            }

            var key = part[..equals].Trim();
            if (!settings.TryAdd(key, part[(equals + 1)..].Trim()))
            {
                error = $"'{key}' appears twice";
                return false;
            }
        }

        if (settings.TryGetValue("UseDevelopmentStorage", out var development))
        {
            if (!bool.TryParse(development, out var useDevelopment) || !useDevelopment)
            {
                error = $"UseDevelopmentStorage must be 'true', got '{development}'";
                return false;
            }

            if (settings.ContainsKey("DevelopmentStorageProxyUri"))
            {
                error = "DevelopmentStorageProxyUri is not supported; give QueueEndpoint and TableEndpoint instead";
                return false;
            }

            // Azurite's documented defaults: path-style endpoints with the account name as the first path segment.
            return TryCreate(
                DevelopmentAccountName,
                DevelopmentAccountKey,
                Explicit(settings, "QueueEndpoint") ?? $"http://127.0.0.1:10001/{DevelopmentAccountName}",
                Explicit(settings, "TableEndpoint") ?? $"http://127.0.0.1:10002/{DevelopmentAccountName}",
                out account,
                out error);
        }

        if (settings.ContainsKey("SharedAccessSignature"))
        {
            error = "SharedAccessSignature is not supported; use AccountKey, or Hybrid:Storage:AccountName for Entra ID";
            return false;
        }

        if (!settings.TryGetValue("AccountName", out var accountName) || accountName.Length == 0)
        {
            error = "AccountName is missing";
            return false;
        }

        if (!settings.TryGetValue("AccountKey", out var accountKey) || accountKey.Length == 0)
        {
            error = "AccountKey is missing (for Entra ID leave the connection string empty and set Hybrid:Storage:AccountName)";
            return false;
        }

        var protocol = settings.GetValueOrDefault("DefaultEndpointsProtocol", "https");
        if (protocol is not ("http" or "https"))
        {
            error = $"DefaultEndpointsProtocol must be http or https, got '{protocol}'";
            return false;
        }

        var suffix = settings.GetValueOrDefault("EndpointSuffix", DefaultEndpointSuffix);
        return TryCreate(
            accountName,
            accountKey,
            Explicit(settings, "QueueEndpoint") ?? $"{protocol}://{accountName}.queue.{suffix}",
            Explicit(settings, "TableEndpoint") ?? $"{protocol}://{accountName}.table.{suffix}",
            out account,
            out error);
    }

    private static string? Explicit(Dictionary<string, string> settings, string key) =>
        settings.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    private static bool TryCreate(
        string accountName, string accountKey, string queueEndpoint, string tableEndpoint,
        [NotNullWhen(true)] out StorageAccount? account, [NotNullWhen(false)] out string? error)
    {
        account = null;
        var key = new byte[accountKey.Length];
        if (!Convert.TryFromBase64String(accountKey, key, out var keyLength) || keyLength == 0)
        {
            error = "AccountKey is not valid base64 (copy it again from the storage account's access keys)";
            return false;
        }

        if (!TryEndpoint(queueEndpoint, "QueueEndpoint", out var queue, out error)
            || !TryEndpoint(tableEndpoint, "TableEndpoint", out var table, out error))
        {
            return false;
        }

        account = new StorageAccount(accountName, queue, table, new StorageSharedKey(accountName, key[..keyLength]));
        error = null;
        return true;
    }

    private static bool TryEndpoint(string text, string name, [NotNullWhen(true)] out Uri? endpoint, [NotNullWhen(false)] out string? error)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out endpoint) && endpoint.Scheme is "http" or "https" && endpoint.Query.Length == 0)
        {
            error = null;
            return true;
        }

        endpoint = null;
        error = $"{name} '{text}' is not an absolute http(s) URL without a query";
        return false;
    }
}
