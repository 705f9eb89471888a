using System.Collections.Concurrent;

namespace Hybrid.Edge.Store;

/// <summary>What retention needs to know of the sinks: how far the slowest one has come.</summary>
internal interface ISinkCursors
{
    /// <summary>The lowest cursor of <paramref name="lane"/> over every enabled sink; null when no sink is enabled.</summary>
    long? MinCursor(Lane lane);
}

/// <summary>The enabled sinks' logs, created once per name; owns (and disposes) them.</summary>
internal sealed class SinkRegistry(Func<string, SinkLog> create) : ISinkCursors, IDisposable
{
    private readonly ConcurrentDictionary<string, SinkLog> _sinks = new(StringComparer.Ordinal);
    private readonly Lock _createLock = new();

    /// <summary>Names of the enabled sinks, ordered.</summary>
    public IReadOnlyList<string> Names => [.. _sinks.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The enabled sinks' logs, ordered by name.</summary>
    public IEnumerable<SinkLog> All => _sinks.Values.OrderBy(s => s.Sink, StringComparer.Ordinal);

    /// <summary>The named sink's log, created on first use.</summary>
    public SinkLog GetOrAdd(string name)
    {
        if (_sinks.TryGetValue(name, out var sink))
        {
            return sink;
        }

        // Under a lock: a racing GetOrAdd could build two, and the loser's SQLite connection would never be closed.
        lock (_createLock)
        {
            return _sinks.GetOrAdd(name, create);
        }
    }

    /// <inheritdoc />
    public long? MinCursor(Lane lane)
    {
        long? min = null;
        foreach (var sink in _sinks.Values)
        {
            var cursor = sink.GetCursor(lane);
            min = min is null ? cursor : Math.Min(min.Value, cursor);
        }

        return min;
    }

    public void Dispose()
    {
        foreach (var sink in _sinks.Values)
        {
            sink.Dispose();
        }
    }
}
