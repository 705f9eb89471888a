using System.Text;
using Hybrid.Edge.Mqtt;
using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Mqtt;

[Collection(Collections.Mosquitto)]
public sealed class MqttNetClientTests(MosquittoFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    public async Task Publish_Retained_ArrivesAtMosquittoSubWithRetainFlag(int qos, bool mqtt5)
    {
        var version = mqtt5 ? MqttProtocolVersion.V5 : MqttProtocolVersion.V311;
        var broker = fixture.Broker;
        var topic = $"hybrid/test/{Guid.NewGuid():N}";
        var payload = $"{{\"qos\":{qos},\"n\":{Random.Shared.Next()}}}";
        await using var client = MqttTestClient.Create(MqttTestClient.Settings(broker, version: version));
        Assert.True((await client.ConnectAsync(CancellationToken.None).WaitAsync(Timeout)).Connected);

        var result = await client.PublishAsync(topic, Encoding.UTF8.GetBytes(payload), qos, retain: true, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(PublishStatus.Acknowledged, result.Status);
        // --retained-only prints only messages delivered with the retain flag: proves both payload and flag.
        Assert.Equal(payload, await MqttTestClient.ReadRetainedAsync(broker, topic, ["-q", qos.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Subscribe_MosquittoPubPublishes_MessageArrivesOnChannel(int qos)
    {
        var broker = fixture.Broker;
        var topic = $"hybrid/in/{Guid.NewGuid():N}";
        await using var client = MqttTestClient.Create(MqttTestClient.Settings(broker));
        Assert.True((await client.ConnectAsync(CancellationToken.None).WaitAsync(Timeout)).Connected);
        Assert.Equal(PublishStatus.Acknowledged, (await client.SubscribeAsync($"{topic}/#", qos, CancellationToken.None).WaitAsync(Timeout)).Status);

        await MqttTestClient.PublishWithMosquittoPubAsync(broker, $"{topic}/a", "first", qos);
        await MqttTestClient.PublishWithMosquittoPubAsync(broker, $"{topic}/b", "second", qos);

        var first = await client.Messages.ReadAsync().AsTask().WaitAsync(Timeout);
        var second = await client.Messages.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal(($"{topic}/a", "first", qos), (first.Topic, Encoding.UTF8.GetString(first.Payload), first.Qos));
        Assert.Equal(($"{topic}/b", "second", qos), (second.Topic, Encoding.UTF8.GetString(second.Payload), second.Qos));
    }

    [Theory]
    [InlineData(false, 20)]
    [InlineData(true, 100)]
    public async Task Publish_ManyQos1Concurrently_EveryOneAcknowledgedAndReceivedOnce(bool mqtt5, int window)
    {
        // MQTT 5: mosquitto announces Receive Maximum 20 (max_inflight_messages) and disconnects a client that sends
        // more unacknowledged publishes; the window must shrink to it even though 100 are configured.
        var version = mqtt5 ? MqttProtocolVersion.V5 : MqttProtocolVersion.V311;
        var broker = fixture.Broker;
        var topic = $"hybrid/many/{Guid.NewGuid():N}";
        await using var receiver = MqttTestClient.Create(MqttTestClient.Settings(broker));
        await receiver.ConnectAsync(CancellationToken.None).WaitAsync(Timeout);
        await receiver.SubscribeAsync(topic, 1, CancellationToken.None).WaitAsync(Timeout);
        var lost = 0;
        await using var client = MqttTestClient.Create(MqttTestClient.Settings(broker, version: version) with { InflightWindow = window });
        client.ConnectionChanged += (_, e) =>
        {
            if (e.Error is not null)
            {
                Interlocked.Increment(ref lost);
            }
        };
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Timeout);

        const int count = 5000;
        var publishes = Enumerable.Range(1, count)
            .Select(i => client.PublishAsync(topic, Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), 1, false, CancellationToken.None))
            .ToList();
        var results = await Task.WhenAll(publishes).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(results, r => Assert.Equal(PublishStatus.Acknowledged, r.Status));
        var seen = new HashSet<int>();
        while (seen.Count < count)
        {
            var message = await receiver.Messages.ReadAsync().AsTask().WaitAsync(Timeout);
            Assert.True(seen.Add(int.Parse(Encoding.UTF8.GetString(message.Payload), System.Globalization.CultureInfo.InvariantCulture)));
        }

        Assert.Equal(0, Volatile.Read(ref lost));
    }

    [Fact]
    public async Task Connect_WithStatusTopic_PublishesOnlineRetainedAndOfflineOnDisconnect()
    {
        var broker = fixture.Broker;
        var status = $"hybrid/{Guid.NewGuid():N}/status";
        await using var client = MqttTestClient.Create(MqttTestClient.Settings(broker, statusTopic: status));

        Assert.True((await client.ConnectAsync(CancellationToken.None).WaitAsync(Timeout)).Connected);
        await Eventually.UntilAsync(async () => await MqttTestClient.ReadRetainedAsync(broker, status) == "online", Timeout);
        await client.DisconnectAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal("offline", await MqttTestClient.ReadRetainedAsync(broker, status));
        Assert.Equal(MqttConnectionState.Disconnected, client.State);
    }

    [Fact]
    public async Task Connect_NothingListening_FailsWithOneLineReasonNamingTheSettings()
    {
        var port = FreePort.Next();
        var settings = MqttTestClient.Settings(fixture.Broker) with { Port = port };
        await using var client = MqttTestClient.Create(settings);

        var result = await client.ConnectAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.False(result.Connected);
        Assert.Equal($"cannot reach MQTT broker 127.0.0.1:{port}: Connection refused; check Hybrid:Mqtt:Host and Hybrid:Mqtt:Port and that the broker runs", result.Error);
    }

    [Fact]
    public async Task Connect_ListenerNeverAnswers_FailsAfterConnectTimeoutNamingTheSetting()
    {
        // Accepts TCP connections and says nothing, like a wrong service on the port.
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        await using var client = MqttTestClient.Create(MqttTestClient.Settings(fixture.Broker) with { Port = port, ConnectTimeout = TimeSpan.FromMilliseconds(500) });
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var result = await client.ConnectAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.False(result.Connected);
        Assert.Equal($"cannot connect to MQTT broker 127.0.0.1:{port}: no CONNACK within 00:00:00.5000000 (Hybrid:Mqtt:ConnectTimeout); is it an MQTT listener, and TLS matching Hybrid:Mqtt:Tls:Enabled?", result.Error);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Connect_NothingListening_RetriesWithJitteredExponentialBackoffUpToTheCap()
    {
        var settings = MqttTestClient.Settings(fixture.Broker) with { Port = FreePort.Next(), ReconnectMin = TimeSpan.FromMilliseconds(100), ReconnectMax = TimeSpan.FromMilliseconds(400) };
        await using var client = MqttTestClient.Create(settings);
        var delays = new System.Collections.Concurrent.ConcurrentQueue<TimeSpan>();
        client.ConnectionChanged += (_, e) =>
        {
            if (e.NextAttemptIn is { } delay)
            {
                delays.Enqueue(delay);
            }
        };

        _ = await client.ConnectAsync(CancellationToken.None).WaitAsync(Timeout);
        await Eventually.UntilAsync(() => delays.Count >= 5, Timeout, () => $"{delays.Count} attempts");

        // Attempt n waits a random delay in [d/2, d] with d = min(400 ms, 100 ms * 2^(n-1)).
        var ceilings = new[] { 100, 200, 400, 400, 400 };
        Assert.All(delays.Take(5).Zip(ceilings), p => Assert.InRange(p.First.TotalMilliseconds, p.Second / 2.0, p.Second));
    }

    [Fact]
    public async Task PublishQos1_WhileBrokerDown_IsSentAfterReconnectAndAcknowledged()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var topic = $"hybrid/offline/{Guid.NewGuid():N}";
        var payload = $"queued-{Random.Shared.Next()}";
        await using var client = MqttTestClient.Create(MqttTestClient.Settings(broker) with { ReconnectMin = TimeSpan.FromMilliseconds(100), ReconnectMax = TimeSpan.FromMilliseconds(500) });
        Assert.True((await client.ConnectAsync(CancellationToken.None).WaitAsync(Timeout)).Connected);
        await broker.KillAsync();
        await Eventually.UntilAsync(() => client.State != MqttConnectionState.Connected, TimeSpan.FromSeconds(15));

        // The client keeps a QoS 1 message published without a connection and sends it after the reconnect: the task
        // waits for that PUBACK rather than report NotConnected, so the sink neither resends nor skips the reading.
        var publish = client.PublishAsync(topic, Encoding.UTF8.GetBytes(payload), 1, retain: true, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(publish.IsCompleted);

        await broker.RestartAsync();
        Assert.Equal(PublishStatus.Acknowledged, (await publish.WaitAsync(Timeout)).Status);
        Assert.Equal(payload, await MqttTestClient.ReadRetainedAsync(broker, topic));
    }

    [Fact]
    public async Task Receive_ReaderFallsBehind_DropsAreCountedAndLoggedOnce()
    {
        var broker = fixture.Broker;
        var topic = $"hybrid/full/{Guid.NewGuid():N}";
        var logger = new RecordingLogger<MqttNetClientTests>();
        await using var client = new MqttNetClient(MqttTestClient.Settings(broker) with { ReceiveCapacity = 2 }, TimeProvider.System, logger);
        Assert.True((await client.ConnectAsync(CancellationToken.None).WaitAsync(Timeout)).Connected);
        Assert.Equal(PublishStatus.Acknowledged, (await client.SubscribeAsync(topic, 1, CancellationToken.None).WaitAsync(Timeout)).Status);

        for (var i = 1; i <= 5; i++)
        {
            await MqttTestClient.PublishWithMosquittoPubAsync(broker, topic, $"m{i}");
        }

        await Eventually.UntilAsync(() => client.DroppedMessages >= 3, Timeout, () => $"{client.DroppedMessages} dropped");

        Assert.Equal(3, client.DroppedMessages);
        // Rate-limited: the first drop is reported (with the capacity to raise), the next two within 10 s are not.
        var entry = Assert.Single(logger.Entries, e => e.Id == 2023);
        Assert.Contains("receive capacity 2); 1 dropped so far", entry.Message, StringComparison.Ordinal);
        Assert.Equal("m1", System.Text.Encoding.UTF8.GetString((await client.Messages.ReadAsync()).Payload));
    }

    [Fact]
    public async Task PublishQos0_WhileBrokerDown_ReportsNotConnected()
    {
        var port = FreePort.Next();
        await using var client = MqttTestClient.Create(MqttTestClient.Settings(fixture.Broker) with { Port = port });
        Assert.False((await client.ConnectAsync(CancellationToken.None).WaitAsync(Timeout)).Connected);

        var result = await client.PublishAsync("hybrid/qos0", "x"u8.ToArray(), 0, false, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(PublishStatus.NotConnected, result.Status);
    }

    [Fact]
    public async Task PublishQos1_BrokerKilledWithPublishesInFlight_EveryOneIsResentAndAcknowledged()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var topic = $"hybrid/inflight/{Guid.NewGuid():N}";
        await using var client = MqttTestClient.Create(MqttTestClient.Settings(broker) with { ReconnectMin = TimeSpan.FromMilliseconds(100), ReconnectMax = TimeSpan.FromMilliseconds(500) });
        Assert.True((await client.ConnectAsync(CancellationToken.None).WaitAsync(Timeout)).Connected);
        var publishes = new List<Task<PublishResult>>();
        for (var i = 0; i < 2000; i++)
        {
            publishes.Add(client.PublishAsync(topic, Encoding.UTF8.GetBytes($"m{i}"), 1, false, CancellationToken.None));
        }

        await broker.KillAsync();
        for (var i = 2000; i < 2100; i++)
        {
            publishes.Add(client.PublishAsync(topic, Encoding.UTF8.GetBytes($"m{i}"), 1, false, CancellationToken.None));
        }

        await broker.RestartAsync();
        var results = await Task.WhenAll(publishes).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(results, r => Assert.Equal(PublishStatus.Acknowledged, r.Status));
    }
}
