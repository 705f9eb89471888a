using System.Text.Json;
using Azure;
using Hybrid.IntegrationTests.Storage;

namespace Hybrid.IntegrationTests.Ingest;

/// <summary>One item as a consumer reads it from a queue message.</summary>
internal sealed record QueuedItem(string Queue, string Device, string Epoch, long Seq, string? Type, string? Payload, string? Reason);

/// <summary>The independent reader: drains queues with the Azure SDK's queue client and parses the queue message format.</summary>
internal static class QueueReader
{
    /// <summary>Dequeues and deletes every message of <paramref name="queues"/>, returning their items.</summary>
    public static async Task<List<QueuedItem>> DrainAsync(StorageClients storage, IEnumerable<string> queues)
    {
        var items = new List<QueuedItem>();
        foreach (var queue in queues)
        {
            var client = storage.Queues.GetQueueClient(queue);
            while (true)
            {
                Azure.Storage.Queues.Models.QueueMessage[] messages;
                try
                {
                    messages = (await client.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
                }
                catch (RequestFailedException ex) when (ex.Status == 404)
                {
                    break; // the queue does not exist: nothing in it
                }

                if (messages.Length == 0)
                {
                    break;
                }

                foreach (var message in messages)
                {
                    items.AddRange(Parse(queue, message.Body.ToMemory()));
                    await client.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                }
            }
        }

        return items;
    }

    /// <summary>Messages currently in <paramref name="queues"/> (0 for a queue that does not exist).</summary>
    public static async Task<long> CountAsync(StorageClients storage, IEnumerable<string> queues)
    {
        var total = 0L;
        foreach (var queue in queues)
        {
            try
            {
                total += (await storage.Queues.GetQueueClient(queue).GetPropertiesAsync()).Value.ApproximateMessagesCountLong;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // No queue, no messages.
            }
        }

        return total;
    }

    private static IEnumerable<QueuedItem> Parse(string queue, ReadOnlyMemory<byte> body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("v").GetInt32());
        var device = root.GetProperty("device").GetString()!;
        var epoch = root.GetProperty("epoch").GetString()!;
        return [.. root.GetProperty("items").EnumerateArray().Select(i => new QueuedItem(
            queue, device, epoch, i.GetProperty("seq").GetInt64(),
            i.TryGetProperty("type", out var type) ? type.GetString() : null,
            i.TryGetProperty("payload", out var payload) ? payload.GetRawText() : null,
            i.TryGetProperty("reason", out var reason) ? reason.GetString() : null))];
    }
}
