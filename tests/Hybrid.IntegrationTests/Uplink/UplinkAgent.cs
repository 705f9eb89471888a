using System.Globalization;
using System.Text.RegularExpressions;
using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Uplink;

/// <summary>Starts the real agent process with its uplink pointed at a Function, MQTT off, quick retries.</summary>
internal static partial class UplinkAgent
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>A fresh device id per test, so counts of tests sharing queues never mix.</summary>
    public static string NewDevice(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>
    /// Settings of an agent that only stores and uplinks: capture off unless a test turns it on, stats every second,
    /// no disk floor (the test machine's disk is shared), retention rare so tests can read delivered rows back.
    /// </summary>
    public static Dictionary<string, string?> Settings(string device, string dataDirectory, Uri ingestUrl, string functionKey) => new()
    {
        ["Hybrid__Agent__DeviceId"] = device,
        ["Hybrid__Agent__DataDirectory"] = dataDirectory,
        ["Hybrid__Mqtt__Enabled"] = "false",
        ["Hybrid__Store__StatsInterval"] = "00:00:01",
        ["Hybrid__Store__RetentionInterval"] = "01:00:00",
        ["Hybrid__Store__MinFreeDiskBytes"] = "0",
        ["Hybrid__Store__MinFreeDiskPercent"] = "0",
        ["Hybrid__Uplink__Enabled"] = "true",
        ["Hybrid__Uplink__Url"] = ingestUrl.ToString(),
        ["Hybrid__Uplink__FunctionKey"] = functionKey,
        ["Hybrid__Uplink__Linger"] = "00:00:00",
        ["Hybrid__Uplink__AttemptTimeout"] = "00:00:10",
        ["Hybrid__Uplink__RetryMin"] = "00:00:00.100",
        ["Hybrid__Uplink__RetryMax"] = "00:00:01",
        ["Hybrid__Uplink__BreakerBreakDuration"] = "00:00:01",
        ["Hybrid__Uplink__ShutdownGrace"] = "00:00:15",
    };

    /// <summary>Adds simulated sensors writing one reading each per <paramref name="interval"/>.</summary>
    public static Dictionary<string, string?> WithSimulatedSensors(this Dictionary<string, string?> settings, TimeSpan interval, params (string Key, string Type)[] sensors)
    {
        settings["Hybrid__Capture__Simulated__Enabled"] = "true";
        settings["Hybrid__Capture__Simulated__Interval"] = interval.ToString("c", CultureInfo.InvariantCulture);
        for (var i = 0; i < sensors.Length; i++)
        {
            var prefix = $"Hybrid__Capture__Simulated__Sensors__{i.ToString(CultureInfo.InvariantCulture)}__";
            settings[prefix + "Key"] = sensors[i].Key;
            settings[prefix + "Type"] = sensors[i].Type;
            settings[prefix + "Unit"] = "u";
            settings[prefix + "Min"] = "0";
            settings[prefix + "Max"] = "100";
        }

        return settings;
    }

    /// <summary>Starts the agent and waits until its host runs (so SIGTERM reaches a handler that stops it cleanly).</summary>
    public static async Task<ChildProcess> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var agent = ChildProcess.Start(RepositoryPaths.EdgeAgent, ["run"], settings);
        try
        {
            await agent.WaitForOutputAsync("Application started", Timeout);
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }

        return agent;
    }

    /// <summary>Stops the agent with SIGTERM and asserts it exits 0.</summary>
    public static async Task StopAsync(ChildProcess agent)
    {
        agent.Signal(15);
        var exitCode = await agent.WaitForExitAsync(Timeout);
        Assert.True(exitCode == 0, $"the agent exited {exitCode} after SIGTERM. Output:\n{agent.Output}");
    }

    /// <summary>The uplink's counters from the agent's last stats line (event 1009), or null before the first one.</summary>
    public static UplinkStats? LastStats(ChildProcess agent) =>
        StatsLine().Matches(agent.Output) is { Count: > 0 } lines ? UplinkStats.From(lines[^1]) : null;

    [GeneratedRegex(@"sink uplink backlog (?<backlog>\d+) .*?sent (?<sent>\d+) acked (?<acked>\d+) accepted (?<accepted>\d+) duplicates (?<duplicates>\d+) dead-lettered (?<deadLettered>\d+) retries (?<retries>\d+)(?<rest>.*)$", RegexOptions.Multiline)]
    private static partial Regex StatsLine();
}

/// <summary>The uplink's part of a stats line.</summary>
internal sealed record UplinkStats(long Backlog, long Sent, long Acknowledged, long Accepted, long Duplicates, long DeadLettered, long Retries, bool Held)
{
    public static UplinkStats From(Match line)
    {
        long Value(string name) => long.Parse(line.Groups[name].Value, CultureInfo.InvariantCulture);
        return new UplinkStats(Value("backlog"), Value("sent"), Value("acked"), Value("accepted"), Value("duplicates"), Value("deadLettered"), Value("retries"),
            line.Groups["rest"].Value.Contains(" HELD (", StringComparison.Ordinal));
    }
}
