using Hybrid.QueueReader.Messages;

namespace Hybrid.Demo.Watch;

/// <summary>
/// Every item read from the queues, by <c>(device, epoch, seq)</c>: which queue it arrived in and how often it came
/// again in another message. Only the demo's watcher writes to it; the view reads totals.
/// </summary>
/// <remarks>
/// A message the watcher reads a second time (its delete failed or was cut short, so it came back after its visibility
/// timeout) is the watcher's own re-read, not a duplicate the pipeline made: the message ids recorded tell the two apart.
/// They are kept for the whole run, like the items themselves (a few dozen bytes per message).
/// </remarks>
internal sealed class DeliveryLedger
{
    private readonly Dictionary<string, QueueTally> _queues = new(StringComparer.Ordinal);
    private readonly DuplicateFilter _seen = new();
    private readonly HashSet<string> _messages = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public DeliveryLedger(IEnumerable<string> queues)
    {
        foreach (var queue in queues)
        {
            _queues[queue] = new QueueTally();
        }
    }

    /// <summary>
    /// Records the <paramref name="items"/> of message <paramref name="messageId"/> as read from <paramref name="queue"/>;
    /// false (and nothing recorded) when that message was recorded before.
    /// </summary>
    public bool Record(string queue, string messageId, IEnumerable<QueueItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        lock (_lock)
        {
            if (!_messages.Add(messageId))
            {
                return false;
            }

            var tally = _queues[queue];
            foreach (var item in items)
            {
                if (_seen.TryAdd(item.Identity))
                {
                    tally.Unique.Add(item.Identity);
                }
                else
                {
                    tally.Duplicates++;
                }
            }

            return true;
        }
    }

    /// <summary>Distinct items that arrived in <paramref name="queue"/>.</summary>
    public long Arrived(string queue)
    {
        lock (_lock)
        {
            return _queues[queue].Unique.Count;
        }
    }

    /// <summary>Distinct items of <paramref name="queue"/> that <paramref name="include"/> selects.</summary>
    public long Arrived(string queue, Func<ItemKey, bool> include)
    {
        lock (_lock)
        {
            return _queues[queue].Unique.LongCount(include);
        }
    }

    /// <summary>Items that arrived again in another message after their first arrival, over every queue.</summary>
    public long Duplicates
    {
        get
        {
            lock (_lock)
            {
                return _queues.Values.Sum(t => t.Duplicates);
            }
        }
    }

    /// <summary>True when <paramref name="key"/> arrived in any queue.</summary>
    public bool Contains(ItemKey key)
    {
        lock (_lock)
        {
            return _seen.Contains(key);
        }
    }

    private sealed class QueueTally
    {
        public HashSet<ItemKey> Unique { get; } = [];

        public long Duplicates { get; set; }
    }
}
