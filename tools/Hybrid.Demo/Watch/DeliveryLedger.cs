using Hybrid.QueueReader.Messages;

namespace Hybrid.Demo.Watch;

/// <summary>
/// Every item read from the queues, by <c>(device, epoch, seq)</c>: which queue it arrived in and how often it came
/// again. Only the demo's watcher writes to it; the view reads totals.
/// </summary>
internal sealed class DeliveryLedger
{
    private readonly Dictionary<string, QueueTally> _queues = new(StringComparer.Ordinal);
    private readonly DuplicateFilter _seen = new();
    private readonly Lock _lock = new();

    public DeliveryLedger(IEnumerable<string> queues)
    {
        foreach (var queue in queues)
        {
            _queues[queue] = new QueueTally();
        }
    }

    /// <summary>Records <paramref name="item"/> as read from <paramref name="queue"/>.</summary>
    public void Record(string queue, QueueItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (_lock)
        {
            var tally = _queues[queue];
            if (_seen.TryAdd(item.Identity))
            {
                tally.Unique.Add(item.Identity);
            }
            else
            {
                tally.Duplicates++;
            }
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

    /// <summary>Items read again after their first arrival, over every queue.</summary>
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
