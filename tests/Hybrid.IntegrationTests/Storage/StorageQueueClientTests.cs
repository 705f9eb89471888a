using System.Text;
using Hybrid.Functions.Storage;
using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Storage;

[Collection(Collections.Azurite)]
public sealed class StorageQueueClientTests(AzuriteFixture fixture) : IDisposable
{
    private readonly StorageClients _clients = new(fixture.Server.ConnectionString);

    private StorageQueueClient Queues => _clients.Queues;

    public void Dispose() => _clients.Dispose();

    [Fact]
    public async Task CreateQueueIfNotExists_Twice_CreatesOnceThenReportsExisting()
    {
        var queue = StorageClients.UniqueName("q");

        Assert.True(await Queues.CreateQueueIfNotExistsAsync(queue, default));
        Assert.False(await Queues.CreateQueueIfNotExistsAsync(queue, default));
        Assert.Equal(0, await Queues.GetApproximateMessageCountAsync(queue, default));
    }

    [Fact]
    public async Task PutPeekGetDelete_RoundTrip_KeepsExactBytesAndRemovesMessages()
    {
        var queue = StorageClients.UniqueName("q");
        await Queues.CreateQueueIfNotExistsAsync(queue, default);
        var binary = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var text = Encoding.UTF8.GetBytes("{\"device\":\"pi-1\",\"t\":\"<&>\\\"é€😀\"}");
        var bodies = new[] { binary, text, [0x00], "plain"u8.ToArray() };
        foreach (var body in bodies)
        {
            Assert.True(await Queues.TryPutMessageAsync(queue, body, default));
        }

        var peeked = await Queues.PeekMessagesAsync(queue, 32, default);
        var got = await Queues.GetMessagesAsync(queue, 32, TimeSpan.FromSeconds(30), default);
        var afterGet = await Queues.PeekMessagesAsync(queue, 32, default);
        foreach (var message in got)
        {
            Assert.True(await Queues.DeleteMessageAsync(queue, message.MessageId, message.PopReceipt!, default));
        }

        Assert.Equal(bodies, peeked.Select(m => m.Body.ToArray()));
        Assert.All(peeked, m => Assert.Null(m.PopReceipt));
        Assert.Equal(bodies, got.Select(m => m.Body.ToArray()));
        Assert.All(got, m => Assert.Equal(1, m.DequeueCount));
        Assert.Equal(peeked.Select(m => m.MessageId), got.Select(m => m.MessageId));
        Assert.Empty(afterGet);
        Assert.Equal(0, await Queues.GetApproximateMessageCountAsync(queue, default));
    }

    [Fact]
    public async Task TryPutMessage_LargestBody_RoundTripsAndOneByteMoreIsRefusedBeforeSending()
    {
        var queue = StorageClients.UniqueName("q");
        await Queues.CreateQueueIfNotExistsAsync(queue, default);
        var largest = new byte[StorageQueueClient.MaxMessageBytes];
        new Random(5).NextBytes(largest);

        Assert.True(await Queues.TryPutMessageAsync(queue, largest, default));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            Queues.TryPutMessageAsync(queue, new byte[StorageQueueClient.MaxMessageBytes + 1], default));

        var got = Assert.Single(await Queues.PeekMessagesAsync(queue, 32, default));
        Assert.Equal(largest, got.Body.ToArray());
        Assert.Equal(1, await Queues.GetApproximateMessageCountAsync(queue, default));
    }

    [Fact]
    public async Task TryPutMessage_MissingQueue_ReturnsFalse()
    {
        var queue = StorageClients.UniqueName("missing");

        Assert.False(await Queues.TryPutMessageAsync(queue, "x"u8.ToArray(), default));
        Assert.Null(await Queues.GetApproximateMessageCountAsync(queue, default));
        Assert.Empty(await Queues.PeekMessagesAsync(queue, 1, default));
    }

    [Fact]
    public async Task TryPutMessage_VisibilityTimeout_HidesMessageButCountsIt()
    {
        var queue = StorageClients.UniqueName("q");
        await Queues.CreateQueueIfNotExistsAsync(queue, default);

        Assert.True(await Queues.TryPutMessageAsync(queue, "later"u8.ToArray(), default,
            timeToLive: TimeSpan.FromHours(1), visibilityTimeout: TimeSpan.FromMinutes(10)));
        Assert.True(await Queues.TryPutMessageAsync(queue, "now"u8.ToArray(), default, timeToLive: Timeout.InfiniteTimeSpan));

        var visible = Assert.Single(await Queues.PeekMessagesAsync(queue, 32, default));
        Assert.Equal("now", Encoding.UTF8.GetString(visible.Body.Span));
        Assert.Equal(2, await Queues.GetApproximateMessageCountAsync(queue, default));
    }

    [Fact]
    public async Task DeleteMessage_StalePopReceipt_ReturnsFalseAndKeepsMessage()
    {
        var queue = StorageClients.UniqueName("q");
        await Queues.CreateQueueIfNotExistsAsync(queue, default);
        await Queues.TryPutMessageAsync(queue, "m"u8.ToArray(), default);
        var first = Assert.Single(await Queues.GetMessagesAsync(queue, 1, TimeSpan.FromSeconds(1), default));
        // The message becomes visible again once the 1 s visibility timeout has passed.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var again = await Queues.GetMessagesAsync(queue, 1, TimeSpan.FromSeconds(30), default);
        while (again.Count == 0 && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
            again = await Queues.GetMessagesAsync(queue, 1, TimeSpan.FromSeconds(30), default);
        }

        var second = Assert.Single(again);

        Assert.False(await Queues.DeleteMessageAsync(queue, first.MessageId, first.PopReceipt!, default));
        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(2, second.DequeueCount);
        Assert.True(await Queues.DeleteMessageAsync(queue, second.MessageId, second.PopReceipt!, default));
        Assert.Equal(0, await Queues.GetApproximateMessageCountAsync(queue, default));
    }
}
