using System.Globalization;
using System.Net;
using Hybrid.Testing;
using Xunit.Abstractions;

namespace Hybrid.IntegrationTests.Uplink;

/// <summary>
/// The real agent process against a scripted ingest server: Retry-After is honoured (measured at the server), the
/// circuit breaker opens after repeated failures, keeps requests away while open, and closes after recovery.
/// </summary>
public sealed class UplinkResilienceTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Uplink_503WithRetryAfter_NextAttemptWaitsAtLeastTheRequestedTime()
    {
        using var server = new ScriptedIngestServer(n => n == 1
            ? new ScriptedAnswer(HttpStatusCode.ServiceUnavailable, RetryAfterSeconds: 3)
            : new ScriptedAnswer(HttpStatusCode.OK));
        using var data = new TempDirectory("uplink-retry-after");
        await using var agent = StartAgent(server, data, new Dictionary<string, string?>
        {
            // Without Retry-After the second attempt would come after 50-100 ms.
            ["Hybrid__Uplink__RetryMin"] = "00:00:00.100",
            ["Hybrid__Uplink__RetryMax"] = "00:00:00.200",
        });

        await Eventually.UntilAsync(() => server.Calls.Count >= 2, Timeout, () => agent.Output);

        var calls = server.Calls.ToArray();
        var gap = calls[1].At - calls[0].At;
        output.WriteLine($"asked for 3 s, next attempt after {gap.TotalSeconds:0.000} s");
        Assert.Equal(calls[0].Seqs, calls[1].Seqs);
        Assert.InRange(gap, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(6));
        await StopAsync(agent);
    }

    [Fact]
    public async Task Uplink_RepeatedFailures_BreakerOpensHoldsRequestsBackThenClosesAfterRecovery()
    {
        var failUntil = 6;
        using var server = new ScriptedIngestServer(n => n <= Volatile.Read(ref failUntil)
            ? new ScriptedAnswer(HttpStatusCode.InternalServerError)
            : new ScriptedAnswer(HttpStatusCode.OK));
        using var data = new TempDirectory("uplink-breaker");
        await using var agent = StartAgent(server, data, new Dictionary<string, string?>
        {
            ["Hybrid__Uplink__RetryMin"] = "00:00:00.050",
            ["Hybrid__Uplink__RetryMax"] = "00:00:00.100",
            ["Hybrid__Uplink__BreakerMinimumThroughput"] = "4",
            ["Hybrid__Uplink__BreakerFailureRatio"] = "0.5",
            ["Hybrid__Uplink__BreakerSamplingDuration"] = "00:00:30",
            ["Hybrid__Uplink__BreakerBreakDuration"] = "00:00:02",
            ["Hybrid__Store__StatsInterval"] = "00:00:00.500",
        });

        await agent.WaitForOutputAsync("uplink circuit breaker open", Timeout);
        await agent.WaitForOutputAsync("breaker open", Timeout);
        await agent.WaitForOutputAsync("uplink circuit breaker closed", Timeout);
        await Eventually.UntilAsync(() => agent.Output.Contains("breaker closed", StringComparison.Ordinal), Timeout);

        var calls = server.Calls.ToArray();
        var gaps = calls.Zip(calls.Skip(1), (a, b) => b.At - a.At).ToArray();
        output.WriteLine("gaps between requests: " + string.Join(", ", gaps.Select(g => g.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture))));

        // Four failures open it; while open (2 s) no request reaches the server, retries at 50-100 ms notwithstanding.
        Assert.Contains(gaps, g => g >= TimeSpan.FromSeconds(1.9));
        Assert.True(calls.Length >= 7, $"only {calls.Length} requests");
        Assert.All(calls.Take(5), c => Assert.Equal(calls[0].Seqs, c.Seqs));
        await StopAsync(agent);
    }

    private static ChildProcess StartAgent(ScriptedIngestServer server, TempDirectory data, Dictionary<string, string?> extra)
    {
        var environment = new Dictionary<string, string?>
        {
            ["Hybrid__Agent__DeviceId"] = "resilience",
            ["Hybrid__Agent__DataDirectory"] = data.Path,
            ["Hybrid__Mqtt__Enabled"] = "false",
            ["Hybrid__Capture__Simulated__Enabled"] = "true",
            ["Hybrid__Capture__Simulated__Interval"] = "00:00:00.050",
            ["Hybrid__Uplink__Enabled"] = "true",
            ["Hybrid__Uplink__Url"] = server.Url,
            ["Hybrid__Uplink__FunctionKey"] = "k",
            ["Hybrid__Uplink__Linger"] = "00:00:00",
        };
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }

        return ChildProcess.Start(RepositoryPaths.EdgeAgent, ["run"], environment);
    }

    private static async Task StopAsync(ChildProcess agent)
    {
        agent.Signal(15);
        Assert.Equal(0, await agent.WaitForExitAsync(Timeout));
    }
}
