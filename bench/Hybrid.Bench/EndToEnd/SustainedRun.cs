using System.Globalization;
using System.Text.RegularExpressions;
using Hybrid.Edge.Uplink;
using static Hybrid.Bench.EdgeAgentHarness;

namespace Hybrid.Bench.EndToEnd;

/// <summary>One sustained run: capture and queue arrival rates over the window, the uplink's backlog, capture→queue latency.</summary>
internal sealed record SustainedResult(
    TimeSpan Window, long Captured, long ArrivedInWindow, IReadOnlyList<double> SortedLatencies, IReadOnlyList<long> Backlogs, long Duplicates,
    double AgentPeakMb, double FunctionPeakMb, IReadOnlyDictionary<string, double> Cpu, FunctionRequests Requests)
{
    public double CaptureRate => Captured / Window.TotalSeconds;

    public double ArrivalRate => ArrivedInWindow / Window.TotalSeconds;

    public double P50 => Percentile(SortedLatencies, 0.50);

    public double P99 => Percentile(SortedLatencies, 0.99);

    /// <summary>The largest of the once-a-second backlog samples.</summary>
    public long MaxBacklog => Backlogs.DefaultIfEmpty().Max();

    /// <summary>The last backlog sample, at the end of the window.</summary>
    public long EndBacklog => Backlogs.DefaultIfEmpty().Last();

    /// <summary>The backlog every 5 s of the window, in thousands: whether it grew steadily or came and went.</summary>
    public string BacklogTrend => string.Join(' ', Backlogs.Where((_, i) => i % 5 == 4).Select(b => string.Create(CultureInfo.InvariantCulture, $"{b / 1000.0:F0}k")));

    /// <summary>Bounded: at the end the uplink is behind by less than two seconds of capture.</summary>
    public bool Bounded => EndBacklog < 2 * CaptureRate;
}

/// <summary>
/// The ingest requests of a run as the Function logged them (empty if its log says nothing of them): the last ones, as
/// far back as the test harness keeps a child's output (1 MB).
/// </summary>
internal sealed record FunctionRequests(int Count, double ItemsPerRequest, double P50Ms, double P99Ms)
{
    public static FunctionRequests From(MatchCollection lines)
    {
        var ms = lines.Select(m => double.Parse(m.Groups["ms"].Value, CultureInfo.InvariantCulture)).Order().ToList();
        var items = lines.Sum(m => long.Parse(m.Groups["items"].Value, CultureInfo.InvariantCulture));
        return new FunctionRequests(ms.Count, ms.Count == 0 ? 0 : items / (double)ms.Count, Percentile(ms, 0.50), Percentile(ms, 0.99));
    }
}

/// <summary>
/// Simulated sensors at a steady rate with every service on: after a warm-up, a window of S seconds in which the
/// queue's arrivals, the uplink's backlog (head minus its durable cursor, once a second) and CPU are measured; the
/// reader then reads on for a tail so readings captured late in the window still count for latency.
/// </summary>
internal static partial class SustainedRun
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Tail = TimeSpan.FromSeconds(5);

    public static async Task<SustainedResult> RunAsync(string agentPath, int rate, int seconds, CancellationToken cancellationToken)
    {
        await using var rig = await PipelineRig.StartAsync(agentPath, PipelineRig.SensorsFor(rate), cancellationToken);
        await WaitForStoreAsync(rig.Directory, rig.Agent, cancellationToken);
        var from = TimeProvider.System.GetUtcNow() + WarmUp;
        var to = from.AddSeconds(seconds);
        var counter = new ArrivalCounter(from, to);
        var reading = counter.ReadAsync(rig.Cloud.Telemetry, _ => false, to + Tail, cancellationToken);

        await Task.Delay(from - TimeProvider.System.GetUtcNow(), cancellationToken);
        var headFrom = LastSeq(rig.Directory);
        var cpu = CpuAccount.Start(rig.Processes);
        var backlogs = new List<long>();
        while (TimeProvider.System.GetUtcNow() < to)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            backlogs.Add(LastSeq(rig.Directory) - Cursor(rig.Directory, UplinkService.SinkName));
        }

        var captured = LastSeq(rig.Directory) - headFrom;
        var used = cpu.Stop();
        var peaks = (Agent: StatusMb(rig.Agent.Id, "VmHWM"), Function: StatusMb(rig.Processes["Function"], "VmHWM"));
        await reading;
        counter.Latencies.Sort();
        var requests = FunctionRequests.From(IngestedLine().Matches(rig.Cloud.App.Output));
        return new SustainedResult(TimeSpan.FromSeconds(seconds), captured, counter.ArrivedInWindow, counter.Latencies, backlogs, counter.Duplicates, peaks.Agent, peaks.Function, used, requests);
    }

    /// <summary>The Function's log line per request: items and its own time.</summary>
    [GeneratedRegex(@"Ingest [^/\s]+/[^:\s]+: (?<items>\d+) items, .*?, (?<ms>\d+(?:\.\d+)?) ms")]
    private static partial Regex IngestedLine();
}
