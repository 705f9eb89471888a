using System.Text.Json;

namespace Hybrid.Edge.Capture;

/// <summary>
/// RFC 6901 JSON pointers over a <see cref="JsonElement"/> (<c>/a/0/b</c>, <c>~0</c> for <c>~</c>, <c>~1</c> for
/// <c>/</c>). Written here because System.Text.Json has no pointer evaluation of its own.
/// </summary>
internal static class JsonPointer
{
    /// <summary>True when <paramref name="pointer"/> is empty (the whole document) or starts with <c>/</c>.</summary>
    public static bool IsValid(string pointer) => pointer.Length == 0 || pointer[0] == '/';

    /// <summary>The element at <paramref name="pointer"/>, or false when the document has none there.</summary>
    public static bool TryResolve(JsonElement root, string pointer, out JsonElement value)
    {
        value = root;
        if (pointer.Length == 0)
        {
            return true;
        }

        foreach (var raw in pointer.AsSpan(1).ToString().Split('/'))
        {
            var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (value.ValueKind == JsonValueKind.Object)
            {
                if (!value.TryGetProperty(token, out value))
                {
                    return false;
                }
            }
            else if (value.ValueKind == JsonValueKind.Array && int.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) && index < value.GetArrayLength())
            {
                value = value[index];
            }
            else
            {
                return false;
            }
        }

        return true;
    }
}
