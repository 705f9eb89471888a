using Hybrid.Edge.Uplink;
using static Hybrid.Bench.EdgeAgentHarness;

namespace Hybrid.Bench.EndToEnd;

/// <summary>One sustained run: capture and queue arrival rates over the window, the uplink's backlog, capture→queue latency.</summary>
internal sealed record SustainedResult(
    TimeSpan Window, long Captured, long ArrivedInWindow, IReadOnlyList<double> SortedLatencies, long MaxBacklog, long EndBacklog,
    long Duplicates, double AgentPeakMb, double FunctionPeakMb, IReadOnlyDictionary<string, double> Cpu)
{
    public double CaptureRate => Captured / Window.TotalSeconds;

    public double ArrivalRate => ArrivedInWindow / Window.TotalSeconds;

    public double P50 => Percentile(SortedLatencies, 0.50);

    public double P99 => Percentile(SortedLatencies, 0.99);

    /// <summary>Readings captured in the window that had not arrived when the reader stopped.</summary>
    public long Late => Captured - SortedLatencies.Count;

    /// <summary>Bounded: at the end the uplink is behind by less than two seconds of capture.</summary>
    public bool Bounded => EndBacklog < 2 * CaptureRate;
}

/// <summary>
/// Simulated sensors at a steady rate with every service on: after a warm-up, a window of S seconds in which the
/// queue's arrivals, the uplink's backlog (head minus its durable cursor, once a second) and CPU are measured; the
/// reader then reads on for a tail so readings captured late in the window still count for latency.
/// </summary>
internal static class SustainedRun
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
        var reading = counter.ReadAsync(rig.Cloud.Queues, CloudStack.TelemetryQueue, _ => false, to + Tail, cancellationToken);

        await Task.Delay(from - TimeProvider.System.GetUtcNow(), cancellationToken);
        var headFrom = LastSeq(rig.Directory);
        var cpu = CpuAccount.Start(rig.Processes);
        long maxBacklog = 0, backlog = 0;
        while (TimeProvider.System.GetUtcNow() < to)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            backlog = LastSeq(rig.Directory) - Cursor(rig.Directory, UplinkService.SinkName);
            maxBacklog = Math.Max(maxBacklog, backlog);
        }

        var captured = LastSeq(rig.Directory) - headFrom;
        var used = cpu.Stop();
        var peaks = (Agent: StatusMb(rig.Agent.Id, "VmHWM"), Function: StatusMb(rig.Processes["Function"], "VmHWM"));
        await reading;
        counter.Latencies.Sort();
        return new SustainedResult(TimeSpan.FromSeconds(seconds), captured, counter.ArrivedInWindow, counter.Latencies, maxBacklog, backlog, counter.Duplicates, peaks.Agent, peaks.Function, used);
    }
}
