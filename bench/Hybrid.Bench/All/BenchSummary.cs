using System.Text.RegularExpressions;

namespace Hybrid.Bench.All;

/// <summary>
/// The figures a bench's output ends with, found without knowing the bench: every bench prints its medians last,
/// from a line starting with "median" (e.g. <c>medians of 3 runs:</c>, <c>median: ours …</c>) to the end, each beside
/// the limit it measured in the same run; a bench without such a line is summed up by its last lines.
/// </summary>
internal static partial class BenchSummary
{
    /// <summary>Lines kept when a bench prints no median line.</summary>
    public const int FallbackLines = 6;

    /// <summary>The summary lines of <paramref name="output"/>, trimmed, blank ones left out.</summary>
    public static IReadOnlyList<string> Lines(string output)
    {
        var lines = output.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var first = lines.FindIndex(l => l.StartsWith("median", StringComparison.OrdinalIgnoreCase));
        return first >= 0 ? lines[first..] : lines.TakeLast(FallbackLines).ToList();
    }

    /// <summary>
    /// The ratios to a same-run limit in <paramref name="lines"/> as printed: <c>ratio 0.85</c>, <c>ratio Normal 0.89</c>,
    /// <c>ratios: 0.52</c>, or a line naming the two sides, <c>drain / raw 0.85</c>.
    /// </summary>
    public static IReadOnlyList<string> Ratios(IEnumerable<string> lines) =>
        [.. lines.SelectMany(l => Ratio().Matches(l)).Select(m => m.Groups["name"].Success ? $"{m.Groups["name"].Value} {m.Groups["value"].Value}" : m.Groups["value"].Value)];

    // The "a / b 0.85" form must not take a measure of two things ("agent / Function 60.7 MB"): no unit may follow.
    [GeneratedRegex(@"\bratios?(?: (?<name>[A-Za-z]+))?:?\s+(?<value>\d+\.\d+)|\S+ / \S+\s+(?<value>\d+\.\d+)(?!\d|\s*[A-Za-z%])")]
    private static partial Regex Ratio();
}
