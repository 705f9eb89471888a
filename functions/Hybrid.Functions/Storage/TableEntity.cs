using System.Globalization;
using System.Text.Json;

namespace Hybrid.Functions.Storage;

/// <summary>
/// A table entity: keys, the ETag it was read with, and typed properties. Int64, DateTime, Guid and binary values are
/// written with their <c>@odata.type</c> annotation (JSON numbers cannot carry them safely); on read the annotation
/// restores the type, and the getters also accept the string form so values stay readable either way.
/// </summary>
internal sealed class TableEntity
{
    private readonly Dictionary<string, object> _properties = new(StringComparer.Ordinal);

    public TableEntity(string partitionKey, string rowKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(rowKey);
        PartitionKey = partitionKey;
        RowKey = rowKey;
    }

    public string PartitionKey { get; }

    public string RowKey { get; }

    /// <summary>The ETag of the stored version this entity was read from (null for a new entity).</summary>
    public string? ETag { get; init; }

    /// <summary>The service's last-modified time (read only).</summary>
    public DateTimeOffset? Timestamp { get; init; }

    public IEnumerable<string> PropertyNames => _properties.Keys;

    public TableEntity Set(string name, string value) => SetValue(name, value);

    public TableEntity Set(string name, long value) => SetValue(name, value);

    public TableEntity Set(string name, int value) => SetValue(name, value);

    public TableEntity Set(string name, bool value) => SetValue(name, value);

    public TableEntity Set(string name, double value) => SetValue(name, value);

    public TableEntity Set(string name, DateTimeOffset value) => SetValue(name, value.ToUniversalTime());

    public TableEntity Set(string name, Guid value) => SetValue(name, value);

    public TableEntity Set(string name, byte[] value) => SetValue(name, value);

    public string? GetString(string name) => _properties.GetValueOrDefault(name) as string;

    public long? GetInt64(string name) => _properties.GetValueOrDefault(name) switch
    {
        long value => value,
        int value => value,
        string text when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) => value,
        _ => null,
    };

    public int? GetInt32(string name) => _properties.GetValueOrDefault(name) switch
    {
        int value => value,
        _ => null,
    };

    public bool? GetBoolean(string name) => _properties.GetValueOrDefault(name) as bool?;

    public double? GetDouble(string name) => _properties.GetValueOrDefault(name) switch
    {
        double value => value,
        int value => value,
        _ => null,
    };

    public DateTimeOffset? GetDateTimeOffset(string name) => _properties.GetValueOrDefault(name) switch
    {
        DateTimeOffset value => value,
        string text when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) => value,
        _ => null,
    };

    public Guid? GetGuid(string name) => _properties.GetValueOrDefault(name) switch
    {
        Guid value => value,
        string text when Guid.TryParse(text, out var value) => value,
        _ => null,
    };

    public byte[]? GetBinary(string name) => _properties.GetValueOrDefault(name) as byte[];

    /// <summary>The entity as the JSON body of an insert, replace or merge (keys plus annotated properties).</summary>
    internal byte[] ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString(nameof(PartitionKey), PartitionKey);
            writer.WriteString(nameof(RowKey), RowKey);
            foreach (var (name, value) in _properties)
            {
                switch (value)
                {
                    case string text:
                        writer.WriteString(name, text);
                        break;
                    case long number:
                        writer.WriteString(name + "@odata.type", "Edm.Int64");
                        writer.WriteString(name, number.ToString(CultureInfo.InvariantCulture));
                        break;
                    case int number:
                        writer.WriteNumber(name, number);
                        break;
                    case bool flag:
                        writer.WriteBoolean(name, flag);
                        break;
                    case double number when double.IsFinite(number):
                        writer.WriteNumber(name, number);
                        break;
                    case double number:
                        writer.WriteString(name + "@odata.type", "Edm.Double");
                        writer.WriteString(name, number.ToString(CultureInfo.InvariantCulture));
                        break;
                    case DateTimeOffset time:
                        writer.WriteString(name + "@odata.type", "Edm.DateTime");
                        writer.WriteString(name, time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
                        break;
                    case Guid guid:
                        writer.WriteString(name + "@odata.type", "Edm.Guid");
                        writer.WriteString(name, guid);
                        break;
                    case byte[] bytes:
                        writer.WriteString(name + "@odata.type", "Edm.Binary");
                        writer.WriteBase64String(name, bytes);
                        break;
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads an entity from a <c>minimalmetadata</c> or <c>nometadata</c> JSON answer.</summary>
    internal static TableEntity FromJson(JsonElement json, string? etag)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in json.EnumerateObject())
        {
            if (property.Name.EndsWith("@odata.type", StringComparison.Ordinal) && property.Value.ValueKind == JsonValueKind.String)
            {
                types[property.Name[..^"@odata.type".Length]] = property.Value.GetString()!;
            }
        }

        var entity = new TableEntity(
            json.GetProperty(nameof(PartitionKey)).GetString()!,
            json.GetProperty(nameof(RowKey)).GetString()!)
        {
            ETag = etag ?? (json.TryGetProperty("odata.etag", out var tag) ? tag.GetString() : null),
            Timestamp = json.TryGetProperty(nameof(Timestamp), out var timestamp) && timestamp.ValueKind == JsonValueKind.String
                ? DateTimeOffset.Parse(timestamp.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
                : null,
        };
        foreach (var property in json.EnumerateObject())
        {
            var name = property.Name;
            if (name is "PartitionKey" or "RowKey" or "Timestamp" || name.StartsWith("odata.", StringComparison.Ordinal) || name.Contains('@', StringComparison.Ordinal))
            {
                continue;
            }

            var value = property.Value;
            object? read = (types.GetValueOrDefault(name), value.ValueKind) switch
            {
                ("Edm.Int64", JsonValueKind.String) => long.Parse(value.GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
                ("Edm.DateTime", JsonValueKind.String) =>
                    DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                ("Edm.Guid", JsonValueKind.String) => Guid.Parse(value.GetString()!, CultureInfo.InvariantCulture),
                ("Edm.Binary", JsonValueKind.String) => value.GetBytesFromBase64(),
                ("Edm.Double", JsonValueKind.String) => double.Parse(value.GetString()!, CultureInfo.InvariantCulture),
                (_, JsonValueKind.String) => value.GetString()!,
                (_, JsonValueKind.True) => true,
                (_, JsonValueKind.False) => false,
                (null or "Edm.Int32", JsonValueKind.Number) when value.TryGetInt32(out var number) => number,
                (_, JsonValueKind.Number) => value.GetDouble(),
                _ => null,
            };
            if (read is not null)
            {
                entity._properties[name] = read;
            }
        }

        return entity;
    }

    private TableEntity SetValue(string name, object value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        if (name is "PartitionKey" or "RowKey" or "Timestamp" || name.Contains('@', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is reserved or not a valid property name.", nameof(name));
        }

        _properties[name] = value;
        return this;
    }
}
