using System.Collections.Concurrent;

namespace Hybrid.Functions.Ingest;

/// <summary>
/// Watermarks this instance has seen durably stored. Watermarks only rise, so a cached value is a lower bound of the
/// truth: it may declare items duplicates (they are), but never decides that something may be enqueued.
/// </summary>
internal sealed class WatermarkCache(int capacity)
{
    private readonly ConcurrentDictionary<(string Device, string Epoch), long> _watermarks = new();

    public long Get(string device, string epoch) => _watermarks.TryGetValue((device, epoch), out var watermark) ? watermark : 0;

    public void Raise(string device, string epoch, long watermark)
    {
        if (capacity == 0 || watermark <= 0)
        {
            return;
        }

        if (_watermarks.Count >= capacity)
        {
            // Crude but bounded: a full cache starts over; it is only a fast path.
            _watermarks.Clear();
        }

        _watermarks.AddOrUpdate((device, epoch), static (_, raised) => raised, static (_, current, raised) => Math.Max(current, raised), watermark);
    }
}
