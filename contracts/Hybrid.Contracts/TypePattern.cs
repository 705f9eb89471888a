using System.Text.RegularExpressions;

namespace Hybrid.Contracts;

/// <summary>
/// A reading-type pattern such as <c>alert.*</c>: <c>*</c> matches any run of characters (dots and nothing included),
/// everything else itself, ordinally. Shared by the edge (lanes, MQTT rules) and the Function (routes).
/// </summary>
public static partial class TypePattern
{
    /// <summary>True when <paramref name="pattern"/> uses only type characters and <c>*</c>.</summary>
    public static bool IsValid(string? pattern) => pattern is not null && ValidPattern().IsMatch(pattern);

    /// <summary>True when <paramref name="type"/> matches <paramref name="pattern"/>.</summary>
    public static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> type)
    {
        // Classic wildcard matching with one backtrack point: linear for the short patterns used here.
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < type.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (p < pattern.Length && pattern[p] == type[t])
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    [GeneratedRegex("^[a-z0-9._*-]{1,128}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ValidPattern();
}
