using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Hybrid.Functions.Storage;

/// <summary>
/// Table service REST operations on single entities (OData JSON). 404, 409 and 412 are
/// <see cref="TableWriteOutcome"/> values or a null entity; other statuses throw <see cref="StorageRequestException"/>,
/// transient failures end in <c>StorageUnavailableException</c>.
/// </summary>
internal sealed class StorageTableClient
{
    private static readonly HttpMethod Merge = new("MERGE");

    private readonly StorageTransport _transport;
    private readonly string _endpoint;

    public StorageTableClient(StorageTransport transport)
    {
        _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        _endpoint = transport.Account.TableEndpoint.AbsoluteUri.TrimEnd('/');
    }

    /// <summary>Table names: 3-63 letters and digits, starting with a letter.</summary>
    public static bool IsValidTableName(string? name) =>
        name is { Length: >= 3 and <= 63 } && char.IsAsciiLetter(name[0]) && name.All(char.IsAsciiLetterOrDigit);

    /// <summary>Creates the table; true when it was created now, false when it already existed.</summary>
    public async Task<bool> CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken)
    {
        ValidateName(table);
        var operation = $"CreateTable {table}";
        var body = JsonSerializer.SerializeToUtf8Bytes(new CreateTableBody(table), StorageJsonContext.Default.CreateTableBody);
        using var response = await _transport.SendAsync(StorageService.Table, operation,
            static s => Request(HttpMethod.Post, s.Uri, s.Body, etag: null), (Uri: new Uri(_endpoint + "/Tables"), Body: body),
            cancellationToken).ConfigureAwait(false);
        return response.StatusCode switch
        {
            HttpStatusCode.Created or HttpStatusCode.NoContent => true,
            HttpStatusCode.Conflict => false, // TableAlreadyExists
            _ => throw await _transport.UnexpectedAsync(response, operation, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>Deletes the table; false when it did not exist.</summary>
    public async Task<bool> DeleteTableAsync(string table, CancellationToken cancellationToken)
    {
        ValidateName(table);
        var operation = $"DeleteTable {table}";
        using var response = await _transport.SendAsync(StorageService.Table, operation,
            static uri => Request(HttpMethod.Delete, uri, body: null, etag: null), new Uri($"{_endpoint}/Tables('{table}')"),
            cancellationToken).ConfigureAwait(false);
        return response.StatusCode switch
        {
            HttpStatusCode.NoContent => true,
            HttpStatusCode.NotFound => false,
            _ => throw await _transport.UnexpectedAsync(response, operation, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>The entity with its ETag, or null when it (or the table) does not exist.</summary>
    public async Task<TableEntity?> GetEntityAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        var operation = $"GetEntity {table}";
        using var response = await _transport.SendAsync(StorageService.Table, operation,
            static uri => Request(HttpMethod.Get, uri, body: null, etag: null), EntityUrl(table, partitionKey, rowKey),
            cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await _transport.UnexpectedAsync(response, operation, cancellationToken).ConfigureAwait(false);
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        using var json = JsonDocument.Parse(body);
        return TableEntity.FromJson(json.RootElement, ETagOf(response));
    }

    /// <summary>Inserts a new entity; <see cref="TableWriteOutcome.Conflict"/> when it exists, <see cref="TableWriteOutcome.NotFound"/> when the table does not.</summary>
    public async Task<TableWriteResult> InsertEntityAsync(string table, TableEntity entity, CancellationToken cancellationToken)
    {
        ValidateName(table);
        ArgumentNullException.ThrowIfNull(entity);
        var operation = $"InsertEntity {table}";
        using var response = await _transport.SendAsync(StorageService.Table, operation,
            static s => Request(HttpMethod.Post, s.Uri, s.Body, etag: null), (Uri: new Uri($"{_endpoint}/{table}"), Body: entity.ToJson()),
            cancellationToken).ConfigureAwait(false);
        return response.StatusCode switch
        {
            HttpStatusCode.NoContent or HttpStatusCode.Created => new TableWriteResult(TableWriteOutcome.Success, ETagOf(response)),
            HttpStatusCode.Conflict => new TableWriteResult(TableWriteOutcome.Conflict, null),
            HttpStatusCode.NotFound => new TableWriteResult(TableWriteOutcome.NotFound, null),
            _ => throw await _transport.UnexpectedAsync(response, operation, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>
    /// Replaces the whole entity if it still has <paramref name="etag"/> (<c>*</c>: any version, but it must exist);
    /// properties not in <paramref name="entity"/> are removed.
    /// </summary>
    public Task<TableWriteResult> ReplaceEntityAsync(string table, TableEntity entity, string etag, CancellationToken cancellationToken) =>
        UpdateAsync(HttpMethod.Put, "ReplaceEntity", table, entity, etag, cancellationToken);

    /// <summary>Merges the given properties into the entity if it still has <paramref name="etag"/>; other properties stay.</summary>
    public Task<TableWriteResult> MergeEntityAsync(string table, TableEntity entity, string etag, CancellationToken cancellationToken) =>
        UpdateAsync(Merge, "MergeEntity", table, entity, etag, cancellationToken);

    /// <summary>Deletes the entity if it still has <paramref name="etag"/> (<c>*</c>: any version).</summary>
    public async Task<TableWriteResult> DeleteEntityAsync(string table, string partitionKey, string rowKey, string etag, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        var operation = $"DeleteEntity {table}";
        using var response = await _transport.SendAsync(StorageService.Table, operation,
            static s => Request(HttpMethod.Delete, s.Uri, body: null, s.ETag), (Uri: EntityUrl(table, partitionKey, rowKey), ETag: etag),
            cancellationToken).ConfigureAwait(false);
        return WriteResult(response) ?? throw await _transport.UnexpectedAsync(response, operation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists at most one table: a cheap signed round trip proving the service is reachable and the credentials work.</summary>
    internal async Task ProbeAsync(CancellationToken cancellationToken)
    {
        const string operation = "QueryTables";
        using var response = await _transport.SendAsync(StorageService.Table, operation,
            static uri => Request(HttpMethod.Get, uri, body: null, etag: null), new Uri(_endpoint + "/Tables?$top=1"),
            cancellationToken, retry: false).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await _transport.UnexpectedAsync(response, operation, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<TableWriteResult> UpdateAsync(HttpMethod method, string verb, string table, TableEntity entity, string etag, CancellationToken cancellationToken)
    {
        ValidateName(table);
        ArgumentNullException.ThrowIfNull(entity);
        // Without If-Match a PUT or MERGE would be an upsert; an ETag (or *) is what makes it a conditional update.
        ArgumentException.ThrowIfNullOrEmpty(etag);
        var operation = $"{verb} {table}";
        using var response = await _transport.SendAsync(StorageService.Table, operation,
            static s => Request(s.Method, s.Uri, s.Body, s.ETag),
            (Method: method, Uri: EntityUrl(table, entity.PartitionKey, entity.RowKey), Body: entity.ToJson(), ETag: etag),
            cancellationToken).ConfigureAwait(false);
        return WriteResult(response) ?? throw await _transport.UnexpectedAsync(response, operation, cancellationToken).ConfigureAwait(false);
    }

    private static TableWriteResult? WriteResult(HttpResponseMessage response) => response.StatusCode switch
    {
        HttpStatusCode.NoContent => new TableWriteResult(TableWriteOutcome.Success, ETagOf(response)),
        HttpStatusCode.PreconditionFailed => new TableWriteResult(TableWriteOutcome.PreconditionFailed, null),
        HttpStatusCode.NotFound => new TableWriteResult(TableWriteOutcome.NotFound, null),
        _ => null,
    };

    private static HttpRequestMessage Request(HttpMethod method, Uri uri, byte[]? body, string? etag)
    {
        var request = new HttpRequestMessage(method, uri);
        // nometadata keeps bodies small; minimalmetadata on reads brings back @odata.type for Int64 and DateTime values.
        request.Headers.TryAddWithoutValidation("Accept",
            method == HttpMethod.Get ? "application/json;odata=minimalmetadata" : "application/json;odata=nometadata");
        request.Headers.TryAddWithoutValidation("DataServiceVersion", "3.0;NetFx");
        request.Headers.TryAddWithoutValidation("MaxDataServiceVersion", "3.0;NetFx");
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        if (body is not null)
        {
            request.Headers.TryAddWithoutValidation("Prefer", "return-no-content");
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        return request;
    }

    private static string? ETagOf(HttpResponseMessage response) =>
        response.Headers.NonValidated.TryGetValues("ETag", out var values) ? values.ToString() : null;

    private Uri EntityUrl(string table, string partitionKey, string rowKey)
    {
        ValidateName(table);
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(rowKey);
        return new Uri($"{_endpoint}/{table}(PartitionKey='{Key(partitionKey)}',RowKey='{Key(rowKey)}')");
    }

    // OData string literal: single quotes doubled, then percent-encoded for the path.
    private static string Key(string key) => Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal));

    private static void ValidateName(string table)
    {
        if (!IsValidTableName(table))
        {
            throw new ArgumentException($"'{table}' is not a valid table name: 3-63 letters and digits starting with a letter.", nameof(table));
        }
    }
}
