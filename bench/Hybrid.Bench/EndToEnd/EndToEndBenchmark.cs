using System.Globalization;

namespace Hybrid.Bench.EndToEnd;

/// <summary>
/// <c>./hybrid bench e2e [--runs R] [--burst N] [--rate R] [--seconds S] [--agent PATH]</c>: the whole pipeline on
/// this machine (mosquitto, Azurite, the ingest Function, the agent published with native AOT, its MQTT sink and
/// uplink on), fresh for every run. (a) A burst of N readings published at QoS 1 by <c>mosquitto_pub -l</c> to a
/// topic the agent captures, counted in the queue until each is there once: time from the first publish to the last
/// arrival, beside mosquitto_pub's own publish time (the same-run limit), and the agent's and the Function's peak
/// RSS. (b) Simulated capture at R readings/s for S seconds: the rate arriving in the queue against the capture rate
/// of the same run, the uplink's backlog, capture→queue latency, and where the CPU went.
/// </summary>
internal sealed class EndToEndBenchmark : IBenchmark
{
    public string Name => "e2e";

    public string Description => "whole pipeline: a mosquitto_pub burst counted in the queue, and sustained capture->queue rate, backlog and p99";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var runs = Arg(args, "--runs", 3);
        var burst = Arg(args, "--burst", 20_000);
        var rate = Arg(args, "--rate", 20_000);
        var seconds = Arg(args, "--seconds", 60);
        var agent = ArgText(args, "--agent") ?? await EdgeAgentHarness.PublishAotAsync(cancellationToken);
        Console.WriteLine($"e2e bench: {runs} runs; burst of {burst:N0} readings by mosquitto_pub -q 1 -l; sustained {PipelineRig.SensorsFor(rate)} simulated sensors every 10 ms ({rate:N0}/s) for {seconds} s; agent {agent}; load average {LoadAverage()}");

        var bursts = new List<BurstResult>();
        var sustained = new List<SustainedResult>();
        for (var run = 1; run <= runs; run++)
        {
            var b = await BurstRun.RunAsync(agent, burst, cancellationToken);
            bursts.Add(b);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run} burst: {b.Readings:N0} readings each once in the queue ({b.Duplicates} duplicates); first publish -> last arrival {b.ToLastArrival.TotalSeconds:F2} s ({b.Rate:N0} readings/s); mosquitto_pub alone {b.Publish.TotalSeconds:F2} s; peak RSS agent {b.AgentPeakMb:F1} MB, Function {b.FunctionPeakMb:F0} MB; CPU {Describe(b.Cpu)}; load average {LoadAverage()}"));

            var s = await SustainedRun.RunAsync(agent, rate, seconds, cancellationToken);
            sustained.Add(s);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run} sustained: captured {s.CaptureRate:N0}/s, arrived in the queue {s.ArrivalRate:N0}/s (ratio {s.ArrivalRate / s.CaptureRate:F2}); backlog max {s.MaxBacklog:N0}, at the end {s.EndBacklog:N0} ({(s.Bounded ? "bounded" : "growing")}; every 5 s {s.BacklogTrend}); capture->queue p50 {s.P50:F0} ms, p99 {s.P99:F0} ms; {s.Duplicates} duplicates; Function, its last {s.Requests.Count:N0} requests logged: {s.Requests.ItemsPerRequest:N0} items each, its own time p50 {s.Requests.P50Ms:F0} ms p99 {s.Requests.P99Ms:F0} ms; peak RSS agent {s.AgentPeakMb:F1} MB, Function {s.FunctionPeakMb:F0} MB; CPU {Describe(s.Cpu)}; load average {LoadAverage()}"));
        }

        var arrival = Median(sustained.Select(s => s.ArrivalRate));
        Console.WriteLine();
        Console.WriteLine($"medians of {runs} runs:");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  burst first publish -> last arrival {Median(bursts.Select(b => b.ToLastArrival.TotalSeconds)),8:F2} s   ({Median(bursts.Select(b => b.Rate)):N0} readings/s; all {burst:N0} counted once in every run)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  burst mosquitto_pub alone          {Median(bursts.Select(b => b.Publish.TotalSeconds)),8:F2} s   (same-run limit; ratio {Median(bursts.Select(b => b.Publish / b.ToLastArrival)):F2})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  burst peak RSS agent / Function     {Median(bursts.Select(b => b.AgentPeakMb)),8:F1} MB / {Median(bursts.Select(b => b.FunctionPeakMb)):F0} MB"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  sustained capture -> queue          {arrival,8:N0} readings/s   (target >= 20,000: {(arrival >= 20_000 ? "met" : "missed")}; same-run capture {Median(sustained.Select(s => s.CaptureRate)):N0}/s, ratio {Median(sustained.Select(s => s.ArrivalRate / s.CaptureRate)):F2})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  sustained backlog max / end         {Median(sustained.Select(s => (double)s.MaxBacklog)),8:N0} / {Median(sustained.Select(s => (double)s.EndBacklog)):N0}   ({sustained.Count(s => s.Bounded)} of {runs} runs bounded)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  sustained capture->queue p50 / p99  {Median(sustained.Select(s => s.P50)),8:F0} / {Median(sustained.Select(s => s.P99)):F0} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  sustained Function time per request {Median(sustained.Select(s => s.Requests.P50Ms)),8:F0} ms p50   ({Median(sustained.Select(s => s.Requests.ItemsPerRequest)):N0} items per request, one request in flight)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  sustained CPU share of 2 cores      {DescribeShares(sustained, seconds)}"));
        return 0;
    }

    private static string Describe(IReadOnlyDictionary<string, double> cpu) =>
        string.Join(", ", cpu.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value:F1} s")));

    /// <summary>Median per process of its CPU seconds as a share of the window's two cores.</summary>
    private static string DescribeShares(List<SustainedResult> runs, int seconds) =>
        string.Join(", ", runs[0].Cpu.Keys.Select(key => string.Create(CultureInfo.InvariantCulture,
            $"{key} {Median(runs.Select(r => r.Cpu[key])) / (2.0 * seconds) * 100:F0} %")));
}
