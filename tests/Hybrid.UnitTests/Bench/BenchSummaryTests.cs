using Hybrid.Bench.All;

namespace Hybrid.UnitTests.Bench;

public sealed class BenchSummaryTests
{
    [Fact]
    public void Lines_OutputWithMediansBlock_KeepsFromTheFirstMedianLineToTheEndTrimmed()
    {
        const string output = "uplink bench: 3 runs\nrun 1: drain 30,000/s\n\nmedians of 3 runs:\n  drain                   31,000 readings/s   (target >= 20,000)\n  drain / raw               0.85   (median of per-run ratios; target >= 0.60)\n";

        var lines = BenchSummary.Lines(output);

        Assert.Equal(["medians of 3 runs:", "drain                   31,000 readings/s   (target >= 20,000)", "drain / raw               0.85   (median of per-run ratios; target >= 0.60)"], lines);
    }

    [Fact]
    public void Lines_OutputWithoutMedianLine_KeepsTheLastLines()
    {
        var output = string.Join('\n', Enumerable.Range(1, 10).Select(i => $"run {i}: CPU 0.5 %")) + "\ntargets (native AOT): RSS <= 20 MB\n";

        var lines = BenchSummary.Lines(output);

        Assert.Equal(BenchSummary.FallbackLines, lines.Count);
        Assert.Equal("run 6: CPU 0.5 %", lines[0]);
        Assert.Equal("targets (native AOT): RSS <= 20 MB", lines[^1]);
    }

    [Theory]
    [InlineData("median: ours 2100 msg/s (1.2 MB/s), bare 2500 msg/s, ratio 0.84", "0.84")]
    [InlineData("  ratio Normal             0.89", "Normal 0.89")]
    [InlineData("median of per-run ratios: 0.52 to raw puts, 0.61 to raw puts + table writes", "0.52")]
    [InlineData("  drain / raw               0.85   (median of per-run ratios; target >= 0.60)", "0.85")]
    public void Ratios_EachWayABenchPrintsOne_FoundWithItsName(string line, string expected)
    {
        Assert.Equal([expected], BenchSummary.Ratios([line]));
    }

    [Fact]
    public void Ratios_TargetsAndRatesOnly_FindsNone()
    {
        Assert.Empty(BenchSummary.Ratios(["drain 31,000 readings/s (target >= 0.60)", "agent peak RSS 41.2 MB", "burst peak RSS agent / Function 60.7 MB / 110 MB"]));
    }
}
