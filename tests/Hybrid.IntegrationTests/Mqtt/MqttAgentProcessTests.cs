using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Mqtt;

/// <summary>The real agent process against a real broker: status/LWT, bad settings give one clear line and no crash.</summary>
[Collection(Collections.Mosquitto)]
public sealed class MqttAgentProcessTests(MosquittoFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static string Agent => RepositoryPaths.EdgeAgent;

    [Fact]
    public async Task Agent_KilledWithSigkill_BrokerPublishesRetainedOfflineWill()
    {
        var broker = fixture.Broker;
        var device = $"lwt-{Guid.NewGuid():N}"[..16];
        using var data = new TempDirectory("edge-mqtt");
        await using var agent = StartAgent(broker, device, data);

        await WaitForRetainedAsync(broker, $"hybrid/{device}/status", "online");
        agent.Signal(9);
        await agent.WaitForExitAsync(Timeout);

        // The will fires after 1.5 × keepalive (5 s) without traffic.
        await WaitForRetainedAsync(broker, $"hybrid/{device}/status", "offline");
    }

    [Fact]
    public async Task Agent_Sigterm_PublishesOfflineAndExitsZero()
    {
        var broker = fixture.Broker;
        var device = $"term-{Guid.NewGuid():N}"[..16];
        using var data = new TempDirectory("edge-mqtt");
        await using var agent = StartAgent(broker, device, data);
        await WaitForRetainedAsync(broker, $"hybrid/{device}/status", "online");

        agent.Signal(15);

        Assert.Equal(0, await agent.WaitForExitAsync(Timeout));
        Assert.Equal("offline", await MqttTestClient.ReadRetainedAsync(broker, $"hybrid/{device}/status"));
    }

    [Fact]
    public async Task Agent_BrokerUnreachable_LogsOneLineAndKeepsRunning()
    {
        var port = FreePort.Next();
        using var data = new TempDirectory("edge-mqtt");
        await using var agent = ChildProcess.Start(Agent, ["run"], new Dictionary<string, string?>
        {
            ["Hybrid__Agent__DeviceId"] = "unreach",
            ["Hybrid__Agent__DataDirectory"] = data.Path,
            ["Hybrid__Mqtt__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hybrid__Mqtt__ReconnectMin"] = "00:00:00.200",
        });

        await agent.WaitForOutputAsync($"cannot reach MQTT broker 127.0.0.1:{port}: Connection refused; check Hybrid:Mqtt:Host and Hybrid:Mqtt:Port", Timeout);
        await agent.WaitForOutputAsync("next attempt in", Timeout);
        Assert.False(agent.HasExited);
        agent.Signal(15);
        Assert.Equal(0, await agent.WaitForExitAsync(Timeout));
    }

    [Fact]
    public async Task ConfigCheck_TemplateWithWildcard_ExitsTwoNamingTheSetting()
    {
        await using var agent = ChildProcess.Start(Agent, ["config", "check"], new Dictionary<string, string?>
        {
            ["Hybrid__Mqtt__TopicTemplate"] = "hybrid/+/{type}",
            ["Hybrid__Mqtt__Port"] = "70000",
        });

        Assert.Equal(2, await agent.WaitForExitAsync(Timeout));
        Assert.Contains("config error: Hybrid:Mqtt:TopicTemplate 'hybrid/+/{type}' contains '+'", agent.Output, StringComparison.Ordinal);
        Assert.Contains("config error: Hybrid:Mqtt:Port (70000) must be 1 to 65535", agent.Output, StringComparison.Ordinal);
    }

    private static ChildProcess StartAgent(MosquittoBroker broker, string device, TempDirectory data) =>
        ChildProcess.Start(Agent, ["run"], new Dictionary<string, string?>
        {
            ["Hybrid__Agent__DeviceId"] = device,
            ["Hybrid__Agent__DataDirectory"] = data.Path,
            ["Hybrid__Mqtt__Host"] = broker.Host,
            ["Hybrid__Mqtt__Port"] = MqttTestClient.Port(broker),
            ["Hybrid__Mqtt__KeepAlive"] = "00:00:05",
        });

    private static async Task WaitForRetainedAsync(MosquittoBroker broker, string topic, string expected)
    {
        string? last = null;
        await Eventually.UntilAsync(async () => (last = await MqttTestClient.ReadRetainedAsync(broker, topic)) == expected, Timeout, () => $"retained {topic} is '{last}', expected '{expected}'");
    }
}
