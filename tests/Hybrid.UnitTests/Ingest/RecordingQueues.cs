using System.Collections.Concurrent;
using System.Text.Json;
using Hybrid.Functions.Ingest;

namespace Hybrid.UnitTests.Ingest;

/// <summary>Unit-test fake of the queues: records every message; can fail after a number of sends.</summary>
internal sealed class RecordingQueues : IMessageQueues
{
    private int _sends;

    public ConcurrentQueue<(string Queue, byte[] Text)> Messages { get; } = new();

    public ConcurrentDictionary<string, int> Created { get; } = new();

    /// <summary>Sends attempted so far.</summary>
    public int Sends => Volatile.Read(ref _sends);

    /// <summary>Sends after this many succeed throw <see cref="StorageUnavailableException"/>.</summary>
    public int FailAfter { get; set; } = int.MaxValue;

    public Task EnsureQueueAsync(string queueName, CancellationToken cancellationToken)
    {
        Created.AddOrUpdate(queueName, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public async Task SendAsync(string queueName, ReadOnlyMemory<byte> messageText, CancellationToken cancellationToken)
    {
        await Task.Yield();
        if (Interlocked.Increment(ref _sends) > FailAfter)
        {
            throw new StorageUnavailableException("queue down (test)");
        }

        Messages.Enqueue((queueName, messageText.ToArray()));
    }

    /// <summary>Every item seq sent to <paramref name="queue"/> (all queues when null), in send order.</summary>
    public List<long> Seqs(string? queue = null)
    {
        var seqs = new List<long>();
        foreach (var (name, text) in Messages)
        {
            if (queue is null || name == queue)
            {
                using var json = JsonDocument.Parse(text);
                seqs.AddRange(json.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("seq").GetInt64()));
            }
        }

        return seqs;
    }
}
