using System.Text.Json.Nodes;
using Hybrid.Testing;
using static Hybrid.IntegrationTests.Ingest.IngestHttp;

namespace Hybrid.IntegrationTests.Consumers;

/// <summary>The queue reader CLI against real Azurite, reading messages the real Function packed.</summary>
public sealed class QueueReaderCliTests(QueueReaderFixture fixture) : IClassFixture<QueueReaderFixture>
{
    [Fact]
    public async Task Count_ItemsPackedByTheFunction_CountsEveryMessageAndItemAndLeavesThemInTheQueue()
    {
        var (device, epoch) = (NewDevice(), NewEpoch());
        using var http = Client(fixture.App.BaseAddress);
        await PostUntilOkAsync(http, Batch(device, epoch, Enumerable.Range(1, 1000).Select(i => (long)i), "count.reading"));
        var queue = fixture.Queue(QueueReaderFixture.CountQueue);
        var messages = (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

        var (exitCode, output) = await QueueReaderCli.RunAsync("count", QueueReaderFixture.CountQueue, "--connection-string", fixture.Azurite.ConnectionString);

        Assert.True(messages > 1, $"1000 items should need several 64 KiB messages, got {messages}");
        Assert.Equal(0, exitCode);
        Assert.Equal($"{QueueReaderFixture.CountQueue}: {messages} messages, 1000 items", QueueReaderCli.Lines(output).Single());
        Assert.Equal(messages, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Equal(Math.Min(messages, 32), (await queue.PeekMessagesAsync(32)).Value.Length);
    }

    [Fact]
    public async Task CountDedupe_AMessageDeliveredTwice_CountsItsItemsAsDuplicates()
    {
        var (device, epoch) = (NewDevice(), NewEpoch());
        using var http = Client(fixture.App.BaseAddress);
        await PostUntilOkAsync(http, Batch(device, epoch, Enumerable.Range(1, 100).Select(i => (long)i), "dedupe.reading"));
        var queue = fixture.Queue(QueueReaderFixture.DedupeQueue);
        var original = Assert.Single((await queue.PeekMessagesAsync(32)).Value);

        // What an at-least-once redelivery looks like to a consumer: the same packed message once more.
        await queue.SendMessageAsync(original.Body);
        var (exitCode, output) = await QueueReaderCli.RunAsync("count", QueueReaderFixture.DedupeQueue, "--dedupe", "--connection-string", fixture.Azurite.ConnectionString);

        Assert.Equal(0, exitCode);
        Assert.Equal($"{QueueReaderFixture.DedupeQueue}: 2 messages, 200 items, 100 unique, 100 duplicates", QueueReaderCli.Lines(output).Single());
    }

    [Fact]
    public async Task TailDedupeDelete_RedeliveredMessage_PrintsEachItemOnceWithItsPayloadVerbatimAndEmptiesTheQueue()
    {
        var (device, epoch) = (NewDevice(), NewEpoch());
        var items = Enumerable.Range(1, 50).Select(i => Item(i, "tail.reading", payload: new JsonObject { ["value"] = i, ["text"] = "é\"<&>" })).ToList();
        using var http = Client(fixture.App.BaseAddress);
        await PostUntilOkAsync(http, Batch(device, epoch, items));
        var queue = fixture.Queue(QueueReaderFixture.TailQueue);
        await queue.SendMessageAsync(Assert.Single((await queue.PeekMessagesAsync(32)).Value).Body);

        var (exitCode, output) = await QueueReaderCli.RunAsync("tail", QueueReaderFixture.TailQueue, "--dedupe", "--delete", "--connection-string", fixture.Azurite.ConnectionString);
        var printed = QueueReaderCli.Lines(output).Select(l => JsonNode.Parse(l)!).ToList();

        Assert.Equal(0, exitCode);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), printed.Select(p => (long)p["seq"]!).Order());
        Assert.All(printed, p => Assert.Equal((QueueReaderFixture.TailQueue, device, epoch, "tail.reading", "simulated", "sensor-1"),
            ((string)p["queue"]!, (string)p["device"]!, (string)p["epoch"]!, (string)p["type"]!, (string)p["source"]!, (string)p["key"]!)));
        Assert.All(printed, p => Assert.Equal(items[(int)(long)p["seq"]! - 1]["payload"]!.ToJsonString(), p["payload"]!.ToJsonString()));
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Count_QueueThatDoesNotExist_ExitsWith3AndNamesTheQueue()
    {
        var (exitCode, output) = await QueueReaderCli.RunAsync("count", "no-such-queue", "--connection-string", fixture.Azurite.ConnectionString);

        Assert.Equal(3, exitCode);
        Assert.Contains("queue 'no-such-queue' does not exist", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_StorageNotListening_ExitsWith1AndSaysItDoesNotAnswer()
    {
        var nothing = FreePort.Next();
        var connection = fixture.Azurite.ConnectionString.Replace($":{fixture.Azurite.QueuePort}/", $":{nothing}/", StringComparison.Ordinal);

        var (exitCode, output) = await QueueReaderCli.RunAsync("tail", "telemetry", "--connection-string", connection);

        Assert.Equal(1, exitCode);
        Assert.Contains($"the queue service at http://127.0.0.1:{nothing} does not answer", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("count", "Not_A_Queue", "is not a queue name")]
    [InlineData("count", "telemetry", "the connection string is not valid", "--connection-string", "AccountName=only")]
    [InlineData("tail", "telemetry", "--max-items must be at least 1", "--max-items", "0")]
    public async Task BadArgument_ExitsWith2AndSaysWhatIsWrong(string command, string queue, string message, params string[] more)
    {
        var (exitCode, output) = await QueueReaderCli.RunAsync([command, queue, .. more]);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }
}
