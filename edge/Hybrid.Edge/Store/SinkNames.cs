using System.Text.RegularExpressions;

namespace Hybrid.Edge.Store;

/// <summary>Sink names (<c>mqtt</c>, <c>uplink</c>, …) as stored in the cursor table.</summary>
internal static partial class SinkNames
{
    /// <summary>True when <paramref name="name"/> is 1 to 64 of a-z 0-9 . _ -.</summary>
    public static bool IsValid(string? name) => name is not null && Valid().IsMatch(name);

    /// <summary>Throws <see cref="ArgumentException"/> naming the rule when <paramref name="name"/> is not a sink name.</summary>
    public static void ThrowIfInvalid(string name, string paramName)
    {
        if (!IsValid(name))
        {
            throw new ArgumentException($"'{name}' is not a sink name: use 1 to 64 of a-z 0-9 . _ -.", paramName);
        }
    }

    [GeneratedRegex("^[a-z0-9._-]{1,64}$")]
    private static partial Regex Valid();
}
