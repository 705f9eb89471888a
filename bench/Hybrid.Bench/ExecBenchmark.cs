using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Hybrid.Testing;
using static Hybrid.Bench.EdgeAgentHarness;

namespace Hybrid.Bench;

/// <summary>
/// <c>./hybrid bench exec [--lines N] [--runs R] [--agent PATH]</c>: the <c>exec</c> capture source's rate. The real
/// agent (native AOT) runs one exec source, an <c>awk</c> program printing N rtl_433-like JSON lines as fast as it can,
/// with every sink off; the rate is N over the time from the agent's start to the N-th committed reading (polled read-only
/// in the store, startup included), beside the same-run limit: the same program's lines counted by <c>wc -l</c>. Peak RSS is the agent's
/// <c>VmHWM</c>.
/// </summary>
internal sealed class ExecBenchmark : IBenchmark
{
    public string Name => "exec";

    public string Description => "exec capture source: JSON lines/s from a command into the store (native AOT agent) vs. the command alone; peak RSS";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var lines = Arg(args, "--lines", 100_000);
        var runs = Arg(args, "--runs", 3);
        var agent = ArgText(args, "--agent") ?? await PublishAotAsync(cancellationToken);
        var program = string.Create(CultureInfo.InvariantCulture,
            $$"""BEGIN { for (i = 1; i <= {{lines}}; i++) printf "{\"time\":\"2026-11-30 05:00:00\",\"model\":\"Acurite-Tower\",\"id\":%d,\"channel\":\"A\",\"battery_ok\":1,\"temperature_C\":21.%d,\"humidity\":48}\n", i % 50, i % 10 }""");
        Console.WriteLine($"exec bench: {runs} runs of {lines:N0} lines from awk into the store (sinks off); load average {LoadAverage()}");
        var rates = new List<double>();
        var limits = new List<double>();
        var rss = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var limit = await MeasureCommandAloneAsync(program, lines);
            using var dir = new TempDirectory("bench-exec");
            var config = WriteConfig(dir, "exec.json", new JsonObject
            {
                ["Mqtt"] = new JsonObject { ["Enabled"] = false },
                ["Capture"] = new JsonObject
                {
                    ["Exec"] = new JsonObject
                    {
                        ["Sources"] = new JsonArray(new JsonObject
                        {
                            [nameof(Edge.Capture.ExecSourceOptions.Name)] = "rtl433",
                            ["Command"] = "awk",
                            ["Arguments"] = new JsonArray(program),
                            ["TypePointer"] = "/model",
                            ["KeyPointer"] = "/id",
                            ["TsPointer"] = "/time",
                            // One run of the command per agent run.
                            ["RestartMin"] = "00:30:00",
                            ["RestartMax"] = "01:00:00",
                        }),
                    },
                },
            });
            var clock = Stopwatch.StartNew();
            await using var process = ChildProcess.Start(agent, ["run", "--config", config]);
            await WaitForStoreAsync(dir, process, cancellationToken);
            var head = Head(dir);
            while (head < lines)
            {
                if (process.HasExited || clock.Elapsed > TimeSpan.FromMinutes(5))
                {
                    throw new InvalidOperationException($"the agent stored {head:N0} of {lines:N0}:\n{process.Output}");
                }

                await Task.Delay(20, cancellationToken);
                head = Head(dir);
            }

            // From the agent's start (its startup included), so the rate is on the low side.
            var rate = lines / clock.Elapsed.TotalSeconds;
            var peak = StatusMb(process.Id, "VmHWM");
            await StopAsync(process);
            rates.Add(rate);
            limits.Add(limit);
            rss.Add(peak);
            Console.WriteLine($"run {run}: {rate,9:N0} readings/s into the store | the command alone into wc -l {limit,11:N0} lines/s | agent peak RSS {peak:0.0} MB | load average {LoadAverage()}");
        }

        Console.WriteLine();
        Console.WriteLine($"medians of {runs} runs: exec capture {Median(rates):N0} readings/s (target >= 50,000), command alone {Median(limits):N0} lines/s, agent peak RSS {Median(rss):0.0} MB");
        return 0;
    }

    private static async Task<double> MeasureCommandAloneAsync(string program, int lines)
    {
        var clock = Stopwatch.StartNew();
        await using var alone = ChildProcess.Start("bash", ["-c", "awk \"$0\" | wc -l", program]);
        if (await alone.WaitForExitAsync(TimeSpan.FromMinutes(2)) != 0 || !alone.Output.Trim().EndsWith(lines.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the command alone did not print {lines} lines: {alone.Output}");
        }

        return lines / clock.Elapsed.TotalSeconds;
    }
}
