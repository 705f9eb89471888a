using System.Text.RegularExpressions;

namespace Hybrid.Edge.Store;

/// <summary>Sink names (<c>mqtt</c>, <c>uplink</c>, …) as stored in the cursor table.</summary>
internal static partial class SinkNames
{
    /// <summary>True when <paramref name="name"/> is 1 to 64 of a-z 0-9 . _ -.</summary>
    public static bool IsValid(string? name) => name is not null && Valid().IsMatch(name);

    [GeneratedRegex("^[a-z0-9._-]{1,64}$")]
    private static partial Regex Valid();
}
