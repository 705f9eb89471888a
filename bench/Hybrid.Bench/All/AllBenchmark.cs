using System.Diagnostics;
using System.Text;
using Hybrid.Testing;

namespace Hybrid.Bench.All;

/// <summary>
/// <c>./hybrid bench all [--only a,b] [--doc PATH]</c>: runs every other bench with its defaults, one after the other,
/// each in its own process (so one bench's memory never counts in another's peak RSS), echoing its output; then
/// rewrites the summary table at the top of <c>docs/BENCHMARKS.md</c> from the medians each printed. The agent is
/// published with native AOT once and handed to the benches that take <c>--agent</c>.
/// </summary>
internal sealed class AllBenchmark : IBenchmark
{
    /// <summary>The benches that would otherwise each publish the agent again.</summary>
    private static readonly HashSet<string> TakeAgent = new(["agent", "e2e", "exec", "idle", "uplink"], StringComparer.Ordinal);

    public string Name => "all";

    public string Description => "every bench with its defaults (long), then the summary table at the top of docs/BENCHMARKS.md";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var only = ArgText(args, "--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var doc = ArgText(args, "--doc") ?? Path.Combine(RepositoryPaths.Root, "docs", "BENCHMARKS.md");
        var names = Benchmarks.All.Select(b => b.Name).Where(n => n != Name && (only is null || only.Contains(n))).ToList();
        var machine = MachineInfo.Describe();
        var date = TimeProvider.System.GetUtcNow();
        Console.WriteLine($"bench all: {string.Join(", ", names)}; {machine}");
        var agent = names.Exists(TakeAgent.Contains) ? await EdgeAgentHarness.PublishAotAsync(cancellationToken) : null;

        var runs = new List<BenchRun>();
        foreach (var name in names)
        {
            string[] benchArgs = agent is not null && TakeAgent.Contains(name) ? [name, "--agent", agent] : [name];
            Console.WriteLine($"==> ./hybrid bench {name}");
            runs.Add(await RunOneAsync(name, benchArgs, cancellationToken));
            Console.WriteLine($"<== {name}: exit {runs[^1].ExitCode}, {runs[^1].Elapsed.TotalMinutes:0.0} min");
        }

        var block = SummaryTable.Render(machine, date, runs);
        await File.WriteAllTextAsync(doc, SummaryTable.Rewrite(await File.ReadAllTextAsync(doc, cancellationToken), block), cancellationToken);
        Console.WriteLine();
        Console.Write(block);
        Console.WriteLine($"summary table rewritten in {doc}");
        return runs.TrueForAll(r => r.ExitCode == 0) ? 0 : 1;
    }

    /// <summary>Runs this executable again with <paramref name="args"/>, echoing and keeping its output.</summary>
    private static async Task<BenchRun> RunOneAsync(string name, string[] args, CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        var info = new ProcessStartInfo(Environment.ProcessPath ?? throw new InvalidOperationException("no path of this executable")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = new Process { StartInfo = info };
        void Echo(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            Console.WriteLine(e.Data);
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        }

        process.OutputDataReceived += Echo;
        process.ErrorDataReceived += Echo;
        var clock = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        lock (output)
        {
            return new BenchRun(name, $"./hybrid bench {name}", process.ExitCode, clock.Elapsed, output.ToString());
        }
    }
}
