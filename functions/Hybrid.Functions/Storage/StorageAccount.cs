namespace Hybrid.Functions.Storage;

/// <summary>
/// Where the account's queue and table services live and how requests are authorized: <see cref="SharedKey"/> when a
/// connection string carried a key, otherwise Entra ID bearer tokens.
/// </summary>
internal sealed class StorageAccount
{
    public StorageAccount(string name, Uri queueEndpoint, Uri tableEndpoint, StorageSharedKey? sharedKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(queueEndpoint);
        ArgumentNullException.ThrowIfNull(tableEndpoint);
        Name = name;
        QueueEndpoint = WithoutTrailingSlash(queueEndpoint);
        TableEndpoint = WithoutTrailingSlash(tableEndpoint);
        SharedKey = sharedKey;
    }

    public string Name { get; }

    /// <summary>Queue service base URL, path without a trailing slash, e.g. <c>http://127.0.0.1:10001/devstoreaccount1</c>.</summary>
    public Uri QueueEndpoint { get; }

    /// <summary>Table service base URL, path without a trailing slash.</summary>
    public Uri TableEndpoint { get; }

    /// <summary>The account key for SharedKey signing, or null for Entra ID tokens.</summary>
    public StorageSharedKey? SharedKey { get; }

    /// <summary>Parses a connection string; throws <see cref="FormatException"/> with the reason (never the key) when invalid.</summary>
    public static StorageAccount Parse(string connectionString) =>
        StorageConnectionString.TryParse(connectionString, out var account, out var error)
            ? account
            : throw new FormatException($"Invalid storage connection string: {error}");

    /// <summary>An Entra ID (token) account; endpoints default to the public cloud's for <paramref name="name"/>.</summary>
    public static StorageAccount ForTokenCredential(string name, Uri? queueEndpoint, Uri? tableEndpoint) =>
        new(name,
            queueEndpoint ?? new Uri($"https://{name}.queue.{StorageConnectionString.DefaultEndpointSuffix}"),
            tableEndpoint ?? new Uri($"https://{name}.table.{StorageConnectionString.DefaultEndpointSuffix}"),
            sharedKey: null);

    public override string ToString() =>
        $"StorageAccount {{ Name = {Name}, Queue = {QueueEndpoint}, Table = {TableEndpoint}, Auth = {(SharedKey is null ? "Entra ID" : "SharedKey")} }}";

    private static Uri WithoutTrailingSlash(Uri uri)
    {
        if (!uri.IsAbsoluteUri)
        {
            throw new ArgumentException($"Storage endpoint '{uri}' must be an absolute URL.", nameof(uri));
        }

        var text = uri.GetLeftPart(UriPartial.Path);
        return text.EndsWith('/') ? new Uri(text.TrimEnd('/')) : new Uri(text);
    }
}
