using Hybrid.Bench.All;

namespace Hybrid.UnitTests.Bench;

public sealed class SummaryTableTests
{
    private static readonly DateTimeOffset Date = new(2026, 11, 30, 7, 5, 0, TimeSpan.Zero);

    private static string Block(params BenchRun[] runs) => SummaryTable.Render("2 vCPU test machine", Date, runs);

    private static BenchRun Run(string name, string output, int exitCode = 0) => new(name, $"./hybrid bench {name}", exitCode, TimeSpan.FromMinutes(2.5), output);

    [Fact]
    public void Render_Runs_OneRowEachWithCommandMediansRatiosAndTime()
    {
        var block = Block(Run("storage", "storage: 1000 puts\nmedian: ours 2100 msg/s, bare 2500 msg/s, ratio 0.84\n"));

        Assert.StartsWith(SummaryTable.Begin, block, StringComparison.Ordinal);
        Assert.EndsWith(SummaryTable.End + Environment.NewLine, block, StringComparison.Ordinal);
        Assert.Contains("2026-11-30 07:05 UTC on 2 vCPU test machine", block, StringComparison.Ordinal);
        Assert.Contains("| storage | `./hybrid bench storage` | median: ours 2100 msg/s, bare 2500 msg/s, ratio 0.84 | 0.84 | 2.5 min |", block, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_FailedBenchAndPipesInOutput_MarkedFailedAndPipesEscaped()
    {
        var block = Block(Run("ingest", "median: ingest 9,000 readings/s | raw 12,000", exitCode: 3));

        Assert.Contains("| ingest | `./hybrid bench ingest` | **failed (exit 3)**: median: ingest 9,000 readings/s \\| raw 12,000 | — |", block, StringComparison.Ordinal);
    }

    [Fact]
    public void Rewrite_NoBlockYet_InsertsItUnderTheTitleAndKeepsTheRest()
    {
        const string document = "# Benchmarks\n\nEvery figure here comes from a bench command.\n\n## Store\n";
        var block = Block(Run("store", "medians of 3 runs:\n  ratio Normal 0.89\n"));

        var rewritten = SummaryTable.Rewrite(document, block);

        Assert.Equal("# Benchmarks\n\n" + block + "\nEvery figure here comes from a bench command.\n\n## Store\n", rewritten);
    }

    [Fact]
    public void Rewrite_BlockThere_ReplacesOnlyTheBlock()
    {
        const string document = "# Benchmarks\n\nintro\n";
        var first = SummaryTable.Rewrite(document, Block(Run("store", "median: ratio 0.50")));
        var second = Block(Run("store", "median: ratio 0.90"), Run("mqtt", "median: sink 30,000 msg/s, mosquitto_pub 40,000 msg/s, ratio 0.75"));

        var rewritten = SummaryTable.Rewrite(first, second);

        Assert.Equal("# Benchmarks\n\n" + second + "\nintro\n", rewritten);
        Assert.DoesNotContain("0.50", rewritten, StringComparison.Ordinal);
        Assert.Equal(1, rewritten.Split(SummaryTable.Begin).Length - 1);
    }

    [Fact]
    public void Rewrite_NoTitle_PutsTheBlockFirst()
    {
        var block = Block(Run("idle", "run 1 aot: CPU 0.4 %"));

        Assert.Equal(block + "\nplain text\n", SummaryTable.Rewrite("plain text\n", block));
    }

    [Fact]
    public void Rewrite_OnlyOneMarker_ThrowsNamingTheMarkers()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SummaryTable.Rewrite("# B\n" + SummaryTable.Begin + "\nhalf a block\n", Block()));

        Assert.Contains(SummaryTable.End, error.Message, StringComparison.Ordinal);
    }
}
