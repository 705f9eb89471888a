using System.Globalization;
using System.Text;

namespace Hybrid.Bench.All;

/// <summary>
/// The summary table <c>bench all</c> keeps at the top of <c>docs/BENCHMARKS.md</c>, between two marker comments:
/// rendering it from the runs, and replacing the previous one (or inserting it under the title) without touching the
/// rest of the document.
/// </summary>
internal static class SummaryTable
{
    public const string Begin = "<!-- bench-all:begin (rewritten by ./hybrid bench all) -->";
    public const string End = "<!-- bench-all:end -->";

    /// <summary>The marked block: machine, date, then one row per bench with its command, medians and ratios.</summary>
    public static string Render(string machine, DateTimeOffset date, IEnumerable<BenchRun> runs)
    {
        var text = new StringBuilder();
        text.AppendLine(Begin);
        text.AppendLine("## Summary (`./hybrid bench all`)");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Run {date.UtcDateTime:yyyy-MM-dd HH:mm} UTC on {machine}. Each bench with its defaults (several runs, medians), in its own process; each row is what the bench printed last: its medians, each beside the limit it measured in the same run. The sections below explain each bench.");
        text.AppendLine();
        text.AppendLine("| bench | command | medians and same-run limits | ratio to the limit | took |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var run in runs)
        {
            var lines = BenchSummary.Lines(run.Output);
            var medians = run.ExitCode == 0 ? string.Join("<br>", lines.Select(Cell)) : $"**failed (exit {run.ExitCode.ToString(CultureInfo.InvariantCulture)})**: " + string.Join("<br>", lines.Select(Cell));
            var ratios = BenchSummary.Ratios(lines) is { Count: > 0 } found ? string.Join(", ", found) : "—";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {run.Name} | `{run.Command}` | {medians} | {ratios} | {run.Elapsed.TotalMinutes:0.0} min |");
        }

        text.AppendLine(End);
        return text.ToString();
    }

    /// <summary>
    /// <paramref name="document"/> with <paramref name="block"/> in place of the marked block, or, when there is none,
    /// inserted after the first <c># </c> title (at the start without a title).
    /// </summary>
    public static string Rewrite(string document, string block)
    {
        var begin = document.IndexOf(Begin, StringComparison.Ordinal);
        var end = document.IndexOf(End, StringComparison.Ordinal);
        if (begin >= 0 && end > begin)
        {
            var after = end + End.Length;
            after += document.AsSpan(after).StartsWith("\n") ? 1 : 0;
            return string.Concat(document.AsSpan(0, begin), block, document.AsSpan(after));
        }

        if (begin >= 0 || end >= 0)
        {
            throw new InvalidOperationException($"the document has only one of the markers '{Begin}' and '{End}'; fix it by hand");
        }

        var title = document.StartsWith("# ", StringComparison.Ordinal) ? 0 : document.IndexOf("\n# ", StringComparison.Ordinal) is >= 0 and var i ? i + 1 : -1;
        if (title < 0)
        {
            return block + "\n" + document;
        }

        var lineEnd = document.IndexOf('\n', title);
        var insertAt = lineEnd < 0 ? document.Length : lineEnd + 1;
        return string.Concat(document.AsSpan(0, insertAt), "\n", block, document.AsSpan(insertAt));
    }

    /// <summary>A printed line as a table cell: runs of spaces squeezed, pipes escaped.</summary>
    private static string Cell(string line) =>
        string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Replace("|", "\\|", StringComparison.Ordinal);
}
