using System.Diagnostics;
using System.Globalization;
using Hybrid.Edge.Store;
using Hybrid.IntegrationTests.Mqtt;
using Hybrid.IntegrationTests.Uplink;
using Hybrid.Testing;

namespace Hybrid.IntegrationTests.EndToEnd;

/// <summary>One round as it ran: the store when it began and once every sink had passed what was written until the fault ended.</summary>
internal sealed record ChaosRoundResult(ChaosRound Round, PipelineProgress Before, PipelineProgress Recovered, TimeSpan Took)
{
    /// <summary>Per sink and lane, the seqs this round's fault may have touched.</summary>
    public IEnumerable<FaultWindow> Windows() =>
        from sink in PipelineProgress.Sinks
        from lane in StoreSnapshot.Lanes
        select new FaultWindow(Round.Fault, sink, lane, Before.Cursor(sink, lane), Recovered.Heads[lane]);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Round}: {Took.TotalSeconds:0.0} s; recovered at {Recovered}");
}

/// <summary>
/// The whole pipeline as real processes on loopback: the shared Azurite and Function of <see cref="UplinkFixture"/>,
/// a mosquitto of its own, the edge agent (simulated sensors in both lanes, MQTT sink and uplink on) and an independent
/// <c>mosquitto_sub</c> on the agent's topics. <see cref="RunAsync"/> applies one <see cref="ChaosRound"/> and waits,
/// bounded in time, until every sink has passed what was written until the fault ended. Disposing brings back
/// whatever a failed round left down, so the shared services outlive the test.
/// </summary>
internal sealed class ChaosPipeline : IAsyncDisposable
{
    /// <summary>Rows of the store in the capacity round: the smallest capacity the agent accepts.</summary>
    public const int NearCapacityRows = 1000;

    /// <summary>The uplink's batch size: the most readings one request the Function dies in can have enqueued.</summary>
    public const int MaxBatchItems = 100;

    public static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(45);

    /// <summary>Three sensors every 20 ms: 150 readings/s, a third of them in the high lane.</summary>
    private static readonly TimeSpan CaptureInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>In the capacity round: 600 readings/s, so the uplink's backlog overflows the store within seconds.</summary>
    private static readonly TimeSpan FastCaptureInterval = TimeSpan.FromMilliseconds(5);

    private readonly UplinkFixture _cloud;
    private readonly MosquittoBroker _broker;
    private readonly TempDirectory _data;
    private readonly Dictionary<string, string?> _settings;
    private ChildProcess? _agent;
    private TopicRecorder? _subscriber;
    private bool _functionDown;
    private bool _azuriteDown;

    private ChaosPipeline(UplinkFixture cloud, MosquittoBroker broker)
    {
        _cloud = cloud;
        _broker = broker;
        _data = new TempDirectory("chaos");
        Device = UplinkAgent.NewDevice("chaos");
        _settings = UplinkAgent.Settings(Device, _data.Path, cloud.IngestUrl, UplinkFixture.FunctionKey)
            .WithSimulatedSensors(CaptureInterval, ("t1", "telemetry.temperature"), ("h1", "telemetry.humidity"), ("door", "alert.door"));
        _settings["Hybrid__Uplink__MaxBatchItems"] = MaxBatchItems.ToString(CultureInfo.InvariantCulture);
        _settings["Hybrid__Mqtt__Enabled"] = "true";
        _settings["Hybrid__Mqtt__Host"] = broker.Host;
        _settings["Hybrid__Mqtt__Port"] = MqttTestClient.Port(broker);
        _settings["Hybrid__Mqtt__ReconnectMin"] = "00:00:00.200";
        _settings["Hybrid__Mqtt__ReconnectMax"] = "00:00:01";
        _settings["Hybrid__Status__Enabled"] = "false";
    }

    public string Device { get; }

    /// <summary>The tails of the agent's and the broker's output, for failure messages.</summary>
    public string Describe() => $"agent output (tail):\n{Tail(_agent?.Output)}\nmosquitto:\n{Tail(_broker.Output)}";

    public static async Task<ChaosPipeline> StartAsync(UplinkFixture cloud)
    {
        var pipeline = new ChaosPipeline(cloud, await MosquittoBroker.StartAsync());
        try
        {
            pipeline._subscriber = await TopicRecorder.StartAsync(pipeline._broker, $"hybrid/{pipeline.Device}/#");
            pipeline._agent = await UplinkAgent.StartAsync(pipeline._settings);
            await pipeline.WaitAsync(p => p.Heads.Values.All(h => h > 0), "first readings in both lanes");
        }
        catch
        {
            await pipeline.DisposeAsync();
            throw;
        }

        return pipeline;
    }

    public PipelineProgress Progress() => PipelineProgress.Read(_data.Path);

    /// <summary>Runs steadily, applies the round's fault, restores, and waits until every sink has caught up.</summary>
    public async Task<ChaosRoundResult> RunAsync(ChaosRound round)
    {
        await Task.Delay(round.Steady);
        var clock = Stopwatch.StartNew();
        var before = Progress();
        switch (round.Fault)
        {
            case ChaosFault.BrokerKilled:
                await _broker.KillAsync();
                await Task.Delay(round.Outage);
                var mark = Subscriber.Text.Length;
                await _broker.RestartAsync();
                // mosquitto_sub reconnects on its own; what the agent publishes before it has subscribed again is lost to it.
                await Eventually.UntilAsync(() => MqttTopicReader.ReadingAfter(Subscriber.Text, mark), RecoveryTimeout, Describe);
                break;
            case ChaosFault.FunctionKilled:
                await _cloud.App.KillAsync();
                _functionDown = true;
                await Task.Delay(round.Outage);
                await _cloud.App.RestartAsync();
                _functionDown = false;
                break;
            case ChaosFault.AzuriteStopped:
                _azuriteDown = true;
                await _cloud.Azurite.StopAsync();
                await Task.Delay(round.Outage);
                await _cloud.Azurite.RestartAsync();
                _azuriteDown = false;
                break;
            case ChaosFault.AgentKilled:
                await KillAgentAsync();
                await Task.Delay(round.Outage);
                _agent = await UplinkAgent.StartAsync(_settings);
                break;
            case ChaosFault.StoreNearCapacity:
                await OverflowStoreAsync(round.Outage);
                break;
            case ChaosFault.FinalDrain:
                await StopAgentAsync();
                _agent = await UplinkAgent.StartAsync(new Dictionary<string, string?>(_settings) { ["Hybrid__Capture__Simulated__Enabled"] = "false" });
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(round), round.Fault, "unknown fault");
        }

        var restored = Progress();
        var recovered = await WaitAsync(p => p.Passed(restored.Heads), $"every sink past {restored}");
        return new ChaosRoundResult(round, before, recovered, clock.Elapsed);
    }

    /// <summary>Waits until the subscriber has printed every lane's head (the last readings reach it after the store's cursor moves).</summary>
    public async Task<List<(string Epoch, long Seq)>> ReadTopicAsync(PipelineProgress final)
    {
        var lanes = final.Epochs.ToDictionary(e => e.Value, e => e.Key, StringComparer.Ordinal);
        List<(string Epoch, long Seq)> readings = [];
        await Eventually.UntilAsync(
            () =>
            {
                readings = MqttTopicReader.Readings(Subscriber.Text, Device);
                return StoreSnapshot.Lanes.All(lane => readings.Exists(r => lanes.GetValueOrDefault(r.Epoch) == lane && r.Seq == final.Heads[lane]));
            },
            TimeSpan.FromSeconds(20),
            Describe);
        return readings;
    }

    /// <summary>Stops the agent with SIGTERM and expects a clean exit.</summary>
    public async Task StopAgentAsync()
    {
        await UplinkAgent.StopAsync(Agent);
        await Agent.DisposeAsync();
        _agent = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        if (_subscriber is not null)
        {
            await _subscriber.DisposeAsync();
        }

        if (_functionDown)
        {
            await _cloud.App.RestartAsync();
        }

        if (_azuriteDown)
        {
            await _cloud.Azurite.RestartAsync();
        }

        await _broker.DisposeAsync();
        _data.Dispose();
    }

    private ChildProcess Agent => _agent ?? throw new InvalidOperationException("the agent is not running");

    private TopicRecorder Subscriber => _subscriber ?? throw new InvalidOperationException("the subscriber is not running");

    /// <summary>
    /// The agent runs on a store of <see cref="NearCapacityRows"/> rows under <c>drop-oldest</c>, capturing faster; the
    /// Function is killed until the uplink's backlog has overflowed it (at least the outage, at most the recovery timeout);
    /// then the agent restarts with its normal settings.
    /// </summary>
    private async Task OverflowStoreAsync(TimeSpan outage)
    {
        await StopAgentAsync();
        var small = new Dictionary<string, string?>(_settings)
        {
            ["Hybrid__Store__MaxRows"] = NearCapacityRows.ToString(CultureInfo.InvariantCulture),
            ["Hybrid__Store__CapacityPolicy"] = "drop-oldest",
            ["Hybrid__Capture__Simulated__Interval"] = FastCaptureInterval.ToString("c", CultureInfo.InvariantCulture),
        };
        _agent = await UplinkAgent.StartAsync(small);
        var dropped = Progress().DropCount(DropReason.Capacity);
        await _cloud.App.KillAsync();
        _functionDown = true;
        await Task.Delay(outage);
        await WaitAsync(p => p.DropCount(DropReason.Capacity) > dropped, "capacity drops while the Function is down");
        await _cloud.App.RestartAsync();
        _functionDown = false;

        // Back to the normal capacity, as an operator would after the outage; inside the round, so what this restart
        // resends to the broker counts for it.
        await StopAgentAsync();
        _agent = await UplinkAgent.StartAsync(_settings);
    }

    private async Task KillAgentAsync()
    {
        Agent.Signal(9);
        Assert.Equal(137, await Agent.WaitForExitAsync(UplinkAgent.Timeout));
        await Agent.DisposeAsync();
        _agent = null;
    }

    private Task<PipelineProgress> WaitAsync(Func<PipelineProgress, bool> condition, string what) =>
        PipelineProgress.WaitUntilAsync(_data.Path, condition, RecoveryTimeout, () => $"waiting for {what}. {Describe()}");

    private static string Tail(string? output) => output is null ? "(not running)" : string.Join('\n', output.Split('\n').TakeLast(30));
}
