namespace Hybrid.Functions.Ingest;

/// <summary>Client-supplied text quoted in a reason (which is also logged): short, one line, no control characters.</summary>
internal static class ReasonText
{
    private const int MaxQuoted = 64;

    /// <summary>At most 64 characters of <paramref name="value"/>, control characters shown as <c>?</c> (no log forging).</summary>
    public static string Quote(string? value)
    {
        if (value is null)
        {
            return "null";
        }

        var span = value.AsSpan(0, Math.Min(value.Length, MaxQuoted));
        var text = string.Create(span.Length, value, static (chars, source) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
        return value.Length > MaxQuoted ? text + "…" : text;
    }

    /// <summary>A parser message on one line, control characters shown as <c>?</c>.</summary>
    public static string OneLine(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return string.Create(message.Length, message, static (chars, source) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = source[i] is '\r' or '\n' ? ' ' : char.IsControl(source[i]) ? '?' : source[i];
            }
        });
    }
}
