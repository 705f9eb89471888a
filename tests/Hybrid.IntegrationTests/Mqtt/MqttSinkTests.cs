using System.Diagnostics;
using System.Text.Json;
using Hybrid.Edge.Mqtt;
using Hybrid.Edge.Store;
using Hybrid.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.IntegrationTests.Mqtt;

[Collection(Collections.Mosquitto)]
public sealed class MqttSinkTests(MosquittoFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sink_Backlog_PublishesHighLaneFirstWithTemplateAndAdvancesCursor()
    {
        var broker = fixture.Broker;
        var device = $"dev-{Guid.NewGuid():N}"[..16];
        await using var store = MqttTestStore.Create(device);
        for (var i = 1; i <= 300; i++)
        {
            store.Write("telemetry.temperature", $"{{\"value\":{i}}}", key: $"s{i % 3}");
        }

        for (var i = 1; i <= 20; i++)
        {
            store.Write("alert.fire", $"{{\"n\":{i}}}", key: "k");
        }

        await store.FlushAsync();

        await using var sub = await MqttTestClient.SubscribeAsync(broker, $"test/{device}/#", "-q", "1");
        await using var client = MqttTestClient.Create(MqttTestClient.Settings(broker));
        await client.ConnectAsync(CancellationToken.None);
        var options = new MqttOptions { TopicTemplate = "test/{device}/{type}/{key}", InflightWindow = 50 };
        using var sink = new MqttSink(store.Sink, client, MqttSinkSettings.From(options, device), TimeProvider.System, NullLogger.Instance);
        using var cts = new CancellationTokenSource();
        var run = sink.RunAsync(cts.Token);

        await MqttTestStore.WaitUntilAsync(() => store.Cursor(Lane.Normal) == 300 && store.Cursor(Lane.High) == 20, Timeout);
        var lines = await WaitForLinesAsync(sub, $"test/{device}/", 320);
        await cts.CancelAsync();
        await run;

        var messages = lines.Select(Parse).ToList();
        Assert.Equal(Enumerable.Range(1, 20), messages.Where(m => m.Type == "alert.fire").Select(m => (int)m.Seq));
        Assert.Equal(Enumerable.Range(1, 300), messages.Where(m => m.Type == "telemetry.temperature").Select(m => (int)m.Seq).Order());
        // The high lane was read first, so every alert precedes the first normal reading on the wire.
        Assert.True(messages.FindLastIndex(m => m.Type == "alert.fire") < messages.FindIndex(m => m.Type == "telemetry.temperature"));
        var first = messages.First(m => m.Type == "telemetry.temperature" && m.Seq == 7);
        Assert.Equal($"test/{device}/telemetry.temperature/s1", first.Topic);
        Assert.Equal(7, first.Payload.GetProperty("payload").GetProperty("value").GetInt32());
        Assert.Equal(device, first.Payload.GetProperty("device").GetString());
        Assert.Equal("2026-11-23T10:00:00.000Z", first.Payload.GetProperty("ts").GetString());
        Assert.Equal(store.Store.GetLane(Lane.Normal).Epoch, first.Payload.GetProperty("epoch").GetString());
        Assert.Empty(store.DeadLetters());
    }

    [Fact]
    public async Task Sink_TypeRule_PublishesRetainedWithRuleQos()
    {
        var broker = fixture.Broker;
        var device = $"dev-{Guid.NewGuid():N}"[..16];
        await using var store = MqttTestStore.Create(device);
        store.Write("state.door", "{\"open\":true}");
        await store.FlushAsync();
        await using var client = MqttTestClient.Create(MqttTestClient.Settings(broker));
        await client.ConnectAsync(CancellationToken.None);
        var options = new MqttOptions { TopicTemplate = "test/{device}/{type}", Rules = [new MqttTypeRule { Type = "state.*", Qos = 2, Retain = true }] };
        using var sink = new MqttSink(store.Sink, client, MqttSinkSettings.From(options, device), TimeProvider.System, NullLogger.Instance);
        using var cts = new CancellationTokenSource();
        var run = sink.RunAsync(cts.Token);

        await MqttTestStore.WaitUntilAsync(() => store.Cursor(Lane.Normal) == 1, Timeout);
        await cts.CancelAsync();
        await run;

        var retained = await MqttTestClient.ReadRetainedAsync(broker, $"test/{device}/state.door");
        Assert.NotNull(retained);
        Assert.Equal(1, JsonDocument.Parse(retained).RootElement.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task Sink_KeyWithWildcard_DeadLettersThatReadingAndPublishesTheRest()
    {
        var broker = fixture.Broker;
        var device = $"dev-{Guid.NewGuid():N}"[..16];
        await using var store = MqttTestStore.Create(device);
        store.Write("telemetry.a", "1", key: "ok");
        store.Write("telemetry.a", "2", key: "bad+key");
        store.Write("telemetry.a", "3", key: "ok");
        await store.FlushAsync();
        await using var client = MqttTestClient.Create(MqttTestClient.Settings(broker));
        await client.ConnectAsync(CancellationToken.None);
        var options = new MqttOptions { TopicTemplate = "test/{device}/{key}" };
        using var sink = new MqttSink(store.Sink, client, MqttSinkSettings.From(options, device), TimeProvider.System, NullLogger.Instance);
        using var cts = new CancellationTokenSource();
        var run = sink.RunAsync(cts.Token);

        await MqttTestStore.WaitUntilAsync(() => store.Cursor(Lane.Normal) == 3, Timeout);
        await cts.CancelAsync();
        await run;

        var dead = Assert.Single(store.DeadLetters());
        Assert.Equal(2, dead.Seq);
        Assert.Contains("bad+key", dead.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sink_BrokerKilledAndRestarted_ResumesWithinBackoffCapAndEveryReadingArrives()
    {
        await using var broker = await MosquittoBroker.StartAsync(persistence: true);
        var device = $"dev-{Guid.NewGuid():N}"[..16];
        await using var store = MqttTestStore.Create(device);
        // Independent peer: a persistent-session subscriber that keeps its queue across the broker restart.
        var subscribing = TimeProvider.System.GetUtcNow().UtcDateTime;
        await using var sub = await MqttTestClient.SubscribeAsync(broker, $"test/{device}/#", "-q", "1", "-c", "-i", $"sub-{device}");
        // The subscriber's session must be in the broker's persistence file (autosave_interval 1) before the kill.
        var database = broker.Directory.File("mosquitto.db");
        await MqttTestStore.WaitUntilAsync(() => File.Exists(database) && File.GetLastWriteTimeUtc(database) > subscribing, Timeout);

        var cap = TimeSpan.FromSeconds(2);
        await using var client = MqttTestClient.Create(MqttTestClient.Settings(broker) with { ReconnectMin = TimeSpan.FromMilliseconds(100), ReconnectMax = cap });
        await client.ConnectAsync(CancellationToken.None);
        var options = new MqttOptions { TopicTemplate = "test/{device}/{type}" };
        using var sink = new MqttSink(store.Sink, client, MqttSinkSettings.From(options, device), TimeProvider.System, NullLogger.Instance);
        using var cts = new CancellationTokenSource();
        var run = sink.RunAsync(cts.Token);
        using var produce = new CancellationTokenSource();
        var producer = Task.Run(async () =>
        {
            var i = 0;
            while (!produce.IsCancellationRequested)
            {
                store.Write("telemetry.counter", $"{{\"i\":{++i}}}");
                await Task.Delay(5);
            }
        });

        await MqttTestStore.WaitUntilAsync(() => store.Cursor(Lane.Normal) >= 100, Timeout);
        await broker.KillAsync();
        var headAtKill = store.Store.GetLane(Lane.Normal).HeadSeq;
        await MqttTestStore.WaitUntilAsync(() => client.State != MqttConnectionState.Connected && store.Store.GetLane(Lane.Normal).HeadSeq >= headAtKill + 300, Timeout);
        var cursorBeforeRestart = store.Cursor(Lane.Normal);
        await broker.RestartAsync();
        var restarted = Stopwatch.StartNew();
        await MqttTestStore.WaitUntilAsync(() => store.Cursor(Lane.Normal) > cursorBeforeRestart, cap + TimeSpan.FromSeconds(10));
        var resumedAfter = restarted.Elapsed;
        var headAtResume = store.Store.GetLane(Lane.Normal).HeadSeq;
        await MqttTestStore.WaitUntilAsync(() => store.Cursor(Lane.Normal) >= headAtResume, Timeout);
        await produce.CancelAsync();
        await producer;
        await store.FlushAsync();
        var total = (await store.AllAsync(Lane.Normal)).Count;
        await MqttTestStore.WaitUntilAsync(() => store.Cursor(Lane.Normal) == total, Timeout);
        var lines = await WaitForDistinctSeqsAsync(sub, $"test/{device}/", total);
        await cts.CancelAsync();
        await run;

        // Publishing resumed (the cursor moved on acknowledgements) within the backoff cap + 1 s of the broker's return.
        Assert.True(resumedAfter <= cap + TimeSpan.FromSeconds(1), $"resumed after {resumedAfter}");
        Assert.Equal(Enumerable.Range(1, total), lines.Select(l => (int)Parse(l).Seq).Distinct().Order());
        Assert.True(total > 300, $"only {total} readings were produced");
    }

    internal static async Task<List<string>> WaitForLinesAsync(ChildProcess sub, string prefix, int count)
    {
        await Eventually.UntilAsync(() => Lines(sub, prefix).Count >= count, Timeout, () => $"{Lines(sub, prefix).Count} of {count} messages arrived. {OutputTail(sub)}");
        return Lines(sub, prefix);
    }

    private static async Task<List<string>> WaitForDistinctSeqsAsync(ChildProcess sub, string prefix, int count)
    {
        static int Distinct(List<string> lines) => lines.Select(l => Parse(l).Seq).Distinct().Count();
        await Eventually.UntilAsync(() => Distinct(Lines(sub, prefix)) >= count, Timeout, () => $"{Distinct(Lines(sub, prefix))} of {count} seqs arrived. {OutputTail(sub)}");
        return Lines(sub, prefix);
    }

    /// <summary>The subscriber's messages under <paramref name="prefix"/>, without its readiness probes.</summary>
    private static List<string> Lines(ChildProcess sub, string prefix) =>
        [.. sub.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith(prefix, StringComparison.Ordinal) && !l.Contains("ready-probe", StringComparison.Ordinal))];

    private static string OutputTail(ChildProcess sub) => $"Subscriber output tail:\n{sub.Output[^Math.Min(2000, sub.Output.Length)..]}";

    internal static (string Topic, string Type, long Seq, JsonElement Payload) Parse(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var json = JsonDocument.Parse(line[(space + 1)..]).RootElement;
        return (line[..space], json.GetProperty("type").GetString()!, json.GetProperty("seq").GetInt64(), json);
    }
}
