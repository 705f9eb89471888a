using Hybrid.Contracts;

namespace Hybrid.Edge.Store;

/// <summary>Puts a reading type into its lane. Only the writer thread calls it, so the per-type cache needs no lock.</summary>
internal sealed class LaneClassifier(IReadOnlyList<string> highPatterns)
{
    // Readings come in a handful of types; caching the answer keeps pattern matching off the hot path.
    private const int MaxCachedTypes = 4096;
    private readonly Dictionary<string, Lane> _cache = new(StringComparer.Ordinal);

    public Lane Classify(string type)
    {
        if (_cache.TryGetValue(type, out var lane))
        {
            return lane;
        }

        lane = Lane.Normal;
        foreach (var pattern in highPatterns)
        {
            if (TypePattern.Matches(pattern, type))
            {
                lane = Lane.High;
                break;
            }
        }

        if (_cache.Count < MaxCachedTypes)
        {
            _cache[type] = lane;
        }

        return lane;
    }
}
