using System.Text.Json;
using System.Threading.Channels;
using Hybrid.Edge.Hosting;
using Hybrid.Edge.Mqtt;
using Hybrid.Edge.Store;
using Hybrid.Testing;
using Hybrid.UnitTests.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hybrid.UnitTests.Mqtt;

/// <summary>The sink's supervision: a failed sink is started again from its durable cursor, not left dead.</summary>
public sealed class MqttSinkServiceTests
{
    [Fact]
    public async Task Sink_ClientFailsMidStream_RestartsFromTheSavedCursor_NothingSkippedNothingResentTwice()
    {
        using var dir = new TempDirectory("mqtt-service");
        await using var store = TestStores.Create(dir.Path, sinks: MqttSinkService.SinkName);
        await TestStores.WriteAsync(store, Enumerable.Range(1, 5).Select(i => TestStores.Reading(key: $"r{i}")));
        var clients = new ClientFactory(failOnPublishNumber: 3);
        var logger = new RecordingLogger<MqttSinkService>();
        var mqtt = new MqttOptions { ReconnectMin = TimeSpan.FromMilliseconds(50), HealthInterval = TimeSpan.Zero };
        var agent = new AgentOptions { DeviceId = "pi", DataDirectory = dir.Path };
        using var services = new ServiceCollection().AddSingleton(store).BuildServiceProvider();
        using var service = new MqttSinkService(Options.Create(mqtt), Options.Create(agent), services, clients, [], new MqttStatus(), TimeProvider.System, logger);

        await service.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => store.GetSink(MqttSinkService.SinkName).GetCursor(Lane.Normal) >= 5, TimeSpan.FromSeconds(10));

        await service.StopAsync(CancellationToken.None);

        Assert.Equal(5, store.GetSink(MqttSinkService.SinkName).GetCursor(Lane.Normal));
        Assert.Equal(2, clients.Created);
        // The first client acknowledged 1 and 2 and threw on 3; the restarted sink began after the saved cursor.
        Assert.Equal([1L, 2, 3, 4, 5], clients.Acknowledged.Order());
        Assert.Contains(logger.Entries, e => e.Id == 10);
    }

    /// <summary>Hands out clients that acknowledge at once; the first one throws on its N-th publish.</summary>
    private sealed class ClientFactory(int failOnPublishNumber) : IMqttClientFactory
    {
        private int _created;

        public int Created => Volatile.Read(ref _created);

        public List<long> Acknowledged { get; } = [];

        public IMqttClient Create(MqttClientSettings settings) =>
            new ImmediateClient(this, Interlocked.Increment(ref _created) == 1 ? failOnPublishNumber : int.MaxValue);

        private sealed class ImmediateClient(ClientFactory factory, int failOnPublishNumber) : IMqttClient
        {
            private int _publishes;

            public MqttConnectionState State => MqttConnectionState.Connected;

            public ChannelReader<MqttMessage> Messages => Channel.CreateUnbounded<MqttMessage>().Reader;

            public event EventHandler<MqttConnectionEventArgs>? ConnectionChanged { add { } remove { } }

            public Task<MqttConnectResult> ConnectAsync(CancellationToken cancellationToken) => Task.FromResult(MqttConnectResult.Success);

            public Task WaitUntilConnectedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

            public Task<PublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, int qos, bool retain, CancellationToken cancellationToken)
            {
                if (++_publishes == failOnPublishNumber)
                {
                    throw new InvalidOperationException("scripted client failure");
                }

                lock (factory.Acknowledged)
                {
                    factory.Acknowledged.Add(JsonDocument.Parse(payload).RootElement.GetProperty("seq").GetInt64());
                }

                return Task.FromResult(PublishResult.Acknowledged);
            }

            public Task<PublishResult> SubscribeAsync(string filter, int qos, CancellationToken cancellationToken) => throw new NotSupportedException();

            public Task DisconnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
