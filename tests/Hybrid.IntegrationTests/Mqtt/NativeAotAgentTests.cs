using System.Globalization;
using System.Text.Json;
using Hybrid.Edge.Mqtt;
using Hybrid.Edge.Store;
using Hybrid.Testing;
using Microsoft.Data.Sqlite;

namespace Hybrid.IntegrationTests.Mqtt;

/// <summary>
/// The agent as deployed: published with native AOT (which is what keeps it within the Pi's memory budget, see
/// docs/BENCHMARKS.md "Agent"), it captures, stores and publishes through MQTTnet, and stops cleanly.
/// </summary>
[Collection(Collections.Mosquitto)]
public sealed class NativeAotAgentTests(MosquittoFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task NativeAotAgent_SimulatedCapture_EveryAcknowledgedReadingReachesTheSubscriberOnce()
    {
        using var publishDir = new TempDirectory("edge-aot");
        var agentPath = await PublishNativeAotAsync(publishDir);
        var broker = fixture.Broker;
        var device = $"aot-{Guid.NewGuid():N}"[..16];
        using var data = new TempDirectory("edge-aot-data");
        await using var subscriber = await MqttTestClient.SubscribeAsync(broker, $"hybrid/{device}/+", "-q", "1");

        await using var agent = ChildProcess.Start(agentPath, ["run"], new Dictionary<string, string?>
        {
            ["Hybrid__Agent__DeviceId"] = device,
            ["Hybrid__Agent__DataDirectory"] = data.Path,
            ["Hybrid__Mqtt__Host"] = broker.Host,
            ["Hybrid__Mqtt__Port"] = MqttTestClient.Port(broker),
            ["Hybrid__Capture__Simulated__Enabled"] = "true",
            ["Hybrid__Capture__Simulated__Interval"] = "00:00:00.020",
            ["Hybrid__Capture__Simulated__Sensors__0__Key"] = "t1",
            ["Hybrid__Capture__Simulated__Sensors__0__Type"] = "telemetry.temperature",
            ["Hybrid__Capture__Simulated__Sensors__1__Key"] = "h1",
            ["Hybrid__Capture__Simulated__Sensors__1__Type"] = "telemetry.humidity",
        });
        await Eventually.UntilAsync(() => ReceivedSeqs(subscriber).Count >= 200, Timeout, () => $"subscriber got {ReceivedSeqs(subscriber).Count}; agent:\n{agent.Output}");

        agent.Signal(15);
        Assert.Equal(0, await agent.WaitForExitAsync(Timeout));

        var (head, cursor) = ReadStore(data);
        await Eventually.UntilAsync(() => ReceivedSeqs(subscriber).Count >= cursor, Timeout, () => $"subscriber got {ReceivedSeqs(subscriber).Count}, cursor {cursor}");
        var received = ReceivedSeqs(subscriber);
        Assert.Equal(received.Count, received.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, (int)cursor).Select(i => (long)i), received.Where(seq => seq <= cursor).Order());
        Assert.All(received, seq => Assert.InRange(seq, 1, head));
    }

    private static async Task<string> PublishNativeAotAsync(TempDirectory output)
    {
        var project = Path.Combine(RepositoryPaths.Root, "edge", "Hybrid.Edge");
        await using var publish = ChildProcess.Start("dotnet", ["publish", project, "-c", "Release", "--use-current-runtime", "-p:PublishAot=true", "-o", output.Path]);
        Assert.True(await publish.WaitForExitAsync(TimeSpan.FromMinutes(10)) == 0, $"native AOT publish failed:\n{publish.Output}");
        Assert.DoesNotContain("warning", publish.Output, StringComparison.OrdinalIgnoreCase);
        return Path.Combine(output.Path, "hybrid-edge");
    }

    /// <summary>The <c>seq</c> of every reading <c>mosquitto_sub -v</c> printed (topic, space, JSON); not status or health.</summary>
    private static List<long> ReceivedSeqs(ChildProcess subscriber) =>
        [.. subscriber.Output.Split('\n')
            .Select(line => line.IndexOf(' ', StringComparison.Ordinal) is var space and > 0 && line.StartsWith("hybrid/", StringComparison.Ordinal) && line[..space].Contains("/telemetry.", StringComparison.Ordinal) ? line[(space + 1)..] : null)
            .OfType<string>()
            .Select(json => JsonDocument.Parse(json).RootElement.GetProperty("seq").GetInt64())];

    private static (long Head, long Cursor) ReadStore(TempDirectory data)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(data.Path, new StoreOptions().FileName), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return (Scalar(connection, $"SELECT coalesce(max(seq), 0) FROM {StoreSchema.LogTable(Lane.Normal)}"),
            Scalar(connection, $"SELECT coalesce(max(seq), 0) FROM cursors WHERE sink = '{MqttSinkService.SinkName}' AND lane = {(int)Lane.Normal}"));
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
