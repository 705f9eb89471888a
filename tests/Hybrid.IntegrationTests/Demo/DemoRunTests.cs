using System.Globalization;
using System.Text.RegularExpressions;
using Hybrid.IntegrationTests.Consumers;
using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Demo;

/// <summary>
/// <c>hybrid-demo --duration</c> without a terminal: the whole pipeline on free loopback ports, the plain view, and the
/// summary line that compares the agent's written seqs with what the queues delivered.
/// </summary>
public sealed partial class DemoRunTests
{
    [Fact]
    public async Task Demo_ShortUnattendedRun_EveryReadingArrivesAndNoProcessIsLeftBehind()
    {
        using var data = new TempDirectory("demo");
        string[] ports = ["--mqtt-port", "--azurite-blob-port", "--azurite-queue-port", "--azurite-table-port", "--function-port", "--status-port"];
        var arguments = new List<string> { "--duration", "12", "--data-dir", data.Path };
        foreach (var port in ports)
        {
            arguments.AddRange([port, FreePort.Next().ToString(CultureInfo.InvariantCulture)]);
        }

        await using var demo = ChildProcess.Start(ToolPaths.Demo, arguments);
        var exitCode = await demo.WaitForExitAsync(TimeSpan.FromMinutes(3));
        var output = demo.Output;

        Assert.True(exitCode == 0, $"exit code {exitCode}; output:\n{output}");
        var summary = Summary().Match(output);
        Assert.True(summary.Success, $"no summary line in:\n{output}");
        foreach (var zero in new[] { "rejected", "duplicates", "dropped", "missing" })
        {
            Assert.True(Number(summary, zero) == 0, $"{zero} should be 0 in an undisturbed run:\n{output}");
        }

        var (captured, telemetry, alerts) = (Number(summary, "captured"), Number(summary, "telemetry"), Number(summary, "alerts"));
        Assert.True(telemetry > 50 && alerts > 5, $"the simulated sensors and the door events should both reach their queues:\n{output}");
        Assert.Equal(captured, telemetry + alerts);
        Assert.Matches(PlainLine(), output);

        var started = Started().Matches(output).Select(m => int.Parse(m.Groups["pid"].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(5, started.Count);
        Assert.All(started, pid => Assert.False(Directory.Exists($"/proc/{pid}") && CommandLine(pid).Length > 0, $"process {pid} ({CommandLine(pid)}) is still running"));
        Assert.DoesNotContain(Directory.EnumerateDirectories("/proc").Select(d => Path.GetFileName(d)).Where(n => n.All(char.IsAsciiDigit)).Select(n => CommandLine(int.Parse(n, CultureInfo.InvariantCulture))), c => c.Contains(data.Path, StringComparison.Ordinal));
    }

    private static long Number(Match match, string group) => long.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    [GeneratedRegex(@"^summary: captured (?<captured>\d+), delivered telemetry (?<telemetry>\d+), alerts (?<alerts>\d+), ingest-rejected (?<rejected>\d+), duplicates (?<duplicates>\d+), dropped (?<dropped>\d+), missing (?<missing>\d+)$", RegexOptions.Multiline)]
    private static partial Regex Summary();

    [GeneratedRegex(@"^started .+ \(pid (?<pid>\d+)\)", RegexOptions.Multiline)]
    private static partial Regex Started();

    [GeneratedRegex(@"^\d\d:\d\d captured \d+ .* queues telemetry \d+ alerts \d+ ingest-rejected \d+ duplicates \d+ \| backlog mqtt \d+ uplink \d+ \| breaker closed", RegexOptions.Multiline)]
    private static partial Regex PlainLine();
}
