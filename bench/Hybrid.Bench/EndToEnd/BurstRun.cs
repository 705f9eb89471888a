using System.Globalization;
using Hybrid.Testing;
using static Hybrid.Bench.EdgeAgentHarness;

namespace Hybrid.Bench.EndToEnd;

/// <summary>One burst: its readings counted in the queue, the time from the first publish to the last arrival, peaks.</summary>
internal sealed record BurstResult(int Readings, TimeSpan Publish, TimeSpan ToLastArrival, long Duplicates, double AgentPeakMb, double FunctionPeakMb, IReadOnlyDictionary<string, double> Cpu)
{
    public double Rate => Readings / ToLastArrival.TotalSeconds;
}

/// <summary>
/// <c>mosquitto_pub -q 1 -l</c> publishes N lines to a topic the agent captures; the bench's consumer reads the
/// queue until every one of the N readings is there, and on for a second more to catch late copies.
/// </summary>
internal static class BurstRun
{
    private const string Topic = "bench/in/burst";
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    public static async Task<BurstResult> RunAsync(string agentPath, int count, CancellationToken cancellationToken)
    {
        await using var rig = await PipelineRig.StartAsync(agentPath, sensors: 0, cancellationToken);
        var first = await ProbeAsync(rig, cancellationToken) + 1;
        var lines = rig.Directory.File("burst.txt");
        await File.WriteAllLinesAsync(lines, Enumerable.Range(1, count).Select(i => $"{{\"n\":{i.ToString(CultureInfo.InvariantCulture)},\"value\":{(20 + (i % 100 / 10.0)).ToString(CultureInfo.InvariantCulture)},\"unit\":\"C\"}}"), cancellationToken);

        var counter = new ArrivalCounter(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        var cpu = CpuAccount.Start(rig.Processes);
        var started = TimeProvider.System.GetUtcNow();
        var reading = counter.ReadAsync(rig.Cloud.Telemetry, c => c.DistinctIn(first, first + count - 1) == count, started + Deadline, cancellationToken);
        await using (var publisher = ChildProcess.Start("/bin/sh", ["-c", $"exec '{Tools.MosquittoPub}' -h {rig.Broker.Host} -p {rig.Broker.Port.ToString(CultureInfo.InvariantCulture)} -q 1 -l -t {Topic} < '{lines}'"]))
        {
            if (await publisher.WaitForExitAsync(Deadline) != 0)
            {
                throw new InvalidOperationException($"mosquitto_pub failed: {publisher.Output}");
            }
        }

        var published = TimeProvider.System.GetUtcNow() - started;
        await reading;
        var arrived = counter.DistinctIn(first, first + count - 1);
        if (arrived != count)
        {
            throw new InvalidOperationException($"only {arrived:N0} of the {count:N0} readings arrived within {Deadline}");
        }

        var toLast = counter.LastNew - started;
        var used = cpu.Stop();
        var peaks = (Agent: StatusMb(rig.Agent.Id, "VmHWM"), Function: StatusMb(rig.Processes["Function"], "VmHWM"));
        // Late copies (a resend after a lost answer) would come now.
        await counter.ReadAsync(rig.Cloud.Telemetry, _ => false, TimeProvider.System.GetUtcNow().AddSeconds(1), cancellationToken);
        return new BurstResult(count, published, toLast, counter.Duplicates, peaks.Agent, peaks.Function, used);
    }

    /// <summary>Publishes probe messages until the agent's capture has stored one (its subscription is live); returns the last seq.</summary>
    private static async Task<long> ProbeAsync(PipelineRig rig, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            await using (var probe = ChildProcess.Start(Tools.MosquittoPub, ["-h", rig.Broker.Host, "-p", rig.Broker.Port.ToString(CultureInfo.InvariantCulture), "-q", "1", "-t", "bench/in/probe", "-m", "{\"probe\":true}"]))
            {
                await probe.WaitForExitAsync(TimeSpan.FromSeconds(10));
            }

            await Task.Delay(200, cancellationToken);
            if (File.Exists(Path.Combine(DataDirectory(rig.Directory), "store.db")) && LastSeq(rig.Directory) > 0)
            {
                // Every probe was acknowledged by the broker; a second is ample for the last ones to be committed
                // (group commit every 200 ms), so the burst's first seq is the one after.
                await Task.Delay(1000, cancellationToken);
                return LastSeq(rig.Directory);
            }

            if (rig.Agent.HasExited)
            {
                throw new InvalidOperationException($"the agent exited:\n{rig.Agent.Output}");
            }
        }

        throw new InvalidOperationException($"the agent did not capture {PipelineRig.CaptureTopic}:\n{rig.Agent.Output}");
    }
}
