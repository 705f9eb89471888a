namespace Hybrid.Edge.Mqtt;

/// <summary>Reading-type patterns: exact (<c>alert.fire</c>), prefix (<c>alert.*</c>) or everything (<c>*</c>).</summary>
internal static class TypePattern
{
    public static bool Matches(string pattern, string type) =>
        pattern.EndsWith('*')
            ? type.AsSpan().StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal)
            : string.Equals(pattern, type, StringComparison.Ordinal);
}
