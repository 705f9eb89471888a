namespace Hybrid.QueueReader.Messages;

/// <summary>
/// Drops items already seen, by <c>(device, epoch, seq)</c>. Exact, and it remembers every key it saw: a consumer that
/// runs for months keeps the keys where it keeps its results instead (a unique index on the three columns).
/// </summary>
internal sealed class DuplicateFilter
{
    private readonly HashSet<ItemKey> _seen = [];

    /// <summary>Distinct items seen so far.</summary>
    public int Count => _seen.Count;

    /// <summary>True the first time <paramref name="key"/> is offered, false for a duplicate.</summary>
    public bool TryAdd(ItemKey key) => _seen.Add(key);

    /// <summary>True when <paramref name="key"/> was seen.</summary>
    public bool Contains(ItemKey key) => _seen.Contains(key);
}
