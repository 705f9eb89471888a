using System.Globalization;
using System.Text;
using System.Text.Json;
using Hybrid.Contracts;
using Hybrid.Edge.Store;

namespace Hybrid.Edge.Capture;

/// <summary>
/// Turns one line of JSON into a reading per <see cref="JsonLineOptions"/> (with <c>type</c> the source's effective
/// type): only a JSON object is a reading; the object itself is the payload, verbatim. Anything else is refused with
/// a reason, never thrown.
/// </summary>
internal sealed class JsonLineMapper(JsonLineOptions options, string type, string source, TimeProvider time)
{
    /// <summary>Longest line taken; a longer one is refused (the Function refuses payloads over 32 KiB anyway).</summary>
    public const int MaxLineBytes = 64 * 1024;

    /// <summary>Maps <paramref name="line"/>; false with <paramref name="error"/> when it is not a reading.</summary>
    public bool TryMap(ReadOnlySpan<byte> line, out CaptureReading reading, out string? error)
    {
        reading = null!;
        line = line.Trim(" \t\r"u8);
        if (line.Length > MaxLineBytes)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"line of {line.Length} bytes is longer than {MaxLineBytes}");
            return false;
        }

        var payload = line.ToArray();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload);
        }
        catch (JsonException ex)
        {
            error = $"not JSON: {ex.Message}";
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = $"a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object";
                return false;
            }

            var type = TypeOf(root);
            if (!WireRules.IsValidType(type))
            {
                error = $"type '{type}' is not [a-z0-9._-]{{1,128}}; set Type (or TypePointer) of this source";
                return false;
            }

            reading = new CaptureReading(type, TimestampOf(root), source, KeyOf(root), payload);
            error = null;
            return true;
        }
    }

    private string TypeOf(JsonElement root)
    {
        if (options.TypePointer.Length > 0 && JsonPointer.TryResolve(root, options.TypePointer, out var value) && Scalar(value) is { Length: > 0 } text)
        {
            return $"{type}.{Normalize(text)}";
        }

        return type;
    }

    private string? KeyOf(JsonElement root) =>
        options.KeyPointer.Length > 0 && JsonPointer.TryResolve(root, options.KeyPointer, out var value) ? Scalar(value) : null;

    private DateTimeOffset TimestampOf(JsonElement root)
    {
        if (options.TsPointer.Length > 0 && JsonPointer.TryResolve(root, options.TsPointer, out var value))
        {
            if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number) && number > 0)
            {
                var ms = number > 1e11 ? number : number * 1000;
                if (ms < 253402300799999)
                {
                    return DateTimeOffset.FromUnixTimeMilliseconds((long)ms);
                }
            }
            else if (value.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                return parsed;
            }
        }

        return time.GetUtcNow();
    }

    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => null,
    };

    /// <summary>Lower-cases and replaces characters a type may not hold with <c>-</c>.</summary>
    internal static string Normalize(string value)
    {
        var text = new StringBuilder(Math.Min(value.Length, 100));
        foreach (var c in value.ToLowerInvariant())
        {
            if (text.Length == 100)
            {
                break;
            }

            text.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-' ? c : '-');
        }

        return text.ToString();
    }
}
