using System.Globalization;
using Hybrid.Edge.Mqtt;
using Hybrid.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.IntegrationTests.Mqtt;

/// <summary>Helpers shared by the MQTT integration tests: our client against a broker, and mosquitto_sub/pub as peers.</summary>
internal static class MqttTestClient
{
    public static MqttClientSettings Settings(MosquittoBroker broker, string? clientId = null, string? statusTopic = null, MqttProtocolVersion version = MqttProtocolVersion.V311) => new()
    {
        Host = broker.Host,
        Port = broker.Port,
        ClientId = clientId ?? $"test-{Guid.NewGuid():N}"[..20],
        ProtocolVersion = version,
        StatusTopic = statusTopic,
        KeepAlive = TimeSpan.FromSeconds(5),
        ReconnectMin = TimeSpan.FromMilliseconds(200),
        ReconnectMax = TimeSpan.FromSeconds(2),
    };

    public static MqttNetClient Create(MqttClientSettings settings) => new(settings, TimeProvider.System, NullLogger.Instance);

    public static string Port(MosquittoBroker broker) => broker.Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Starts <c>mosquitto_sub</c> and waits until it is subscribed (it prints nothing before; we probe with a marker).</summary>
    public static async Task<ChildProcess> SubscribeAsync(MosquittoBroker broker, string topic, params string[] extra)
    {
        var probeTopic = $"ready-probe/{Guid.NewGuid():N}";
        var args = new List<string> { "-h", broker.Host, "-p", Port(broker), "-t", topic, "-t", probeTopic, "-v" };
        args.AddRange(extra);
        var sub = ChildProcess.Start(Tools.MosquittoSub, args);
        try
        {
            await WaitUntilSubscribedAsync(broker, topic, probeTopic, () => sub.Output, () => sub.Output);
        }
        catch
        {
            await sub.DisposeAsync();
            throw;
        }

        return sub;
    }

    /// <summary>
    /// Publishes probes to <paramref name="probeTopic"/> until <paramref name="received"/> shows one: then a subscriber to
    /// <paramref name="topic"/> and the probe topic is surely active. <paramref name="output"/> goes into the timeout's message.
    /// </summary>
    public static Task WaitUntilSubscribedAsync(MosquittoBroker broker, string topic, string probeTopic, Func<string> received, Func<string> output) =>
        Eventually.UntilAsync(
            async () =>
            {
                if (received().Contains(probeTopic, StringComparison.Ordinal))
                {
                    return true;
                }

                await using var probe = ChildProcess.Start(Tools.MosquittoPub, ["-h", broker.Host, "-p", Port(broker), "-t", probeTopic, "-m", "x"]);
                await probe.WaitForExitAsync(TimeSpan.FromSeconds(10));
                return false;
            },
            TimeSpan.FromSeconds(20),
            () => $"mosquitto_sub did not subscribe to {topic}. Output:\n{output()}\nbroker:\n{broker.Output}");

    public static async Task PublishWithMosquittoPubAsync(MosquittoBroker broker, string topic, string payload, int qos = 1, bool retain = false)
    {
        var args = new List<string> { "-h", broker.Host, "-p", Port(broker), "-q", qos.ToString(CultureInfo.InvariantCulture), "-t", topic, "-m", payload };
        if (retain)
        {
            args.Add("-r");
        }

        await using var pub = ChildProcess.Start(Tools.MosquittoPub, args);
        Assert.Equal(0, await pub.WaitForExitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>Reads the retained message of <paramref name="topic"/> with mosquitto_sub (only retained ones count).</summary>
    public static async Task<string?> ReadRetainedAsync(MosquittoBroker broker, string topic, IEnumerable<string>? extra = null)
    {
        var args = new List<string> { "-h", broker.Host, "-p", Port(broker), "-t", topic, "--retained-only", "-C", "1", "-W", "3" };
        args.AddRange(extra ?? []);
        await using var sub = ChildProcess.Start(Tools.MosquittoSub, args);
        var code = await sub.WaitForExitAsync(TimeSpan.FromSeconds(10));
        return code == 0 ? sub.Output.Trim() : null;
    }
}
