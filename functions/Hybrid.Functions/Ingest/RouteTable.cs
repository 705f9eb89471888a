namespace Hybrid.Functions.Ingest;

/// <summary>Maps an item type to its queue: the first route whose pattern matches, else the default queue.</summary>
internal sealed class RouteTable
{
    private readonly (string Pattern, string Queue)[] _routes;

    public RouteTable(RoutingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _routes = [.. options.Routes.Select(r => (r.Pattern, r.Queue))];
        DefaultQueue = options.DefaultQueue;
        RejectedQueue = options.RejectedQueue;
    }

    public string DefaultQueue { get; }

    public string RejectedQueue { get; }

    /// <summary>Every queue a request may send to, so they can be created up front.</summary>
    public IEnumerable<string> AllQueues => _routes.Select(r => r.Queue).Append(DefaultQueue).Append(RejectedQueue).Distinct(StringComparer.Ordinal);

    public string Resolve(string type)
    {
        foreach (var (pattern, queue) in _routes)
        {
            if (GlobMatches(pattern, type))
            {
                return queue;
            }
        }

        return DefaultQueue;
    }

    /// <summary>Ordinal glob match where <c>*</c> matches any run of characters (including dots and nothing).</summary>
    internal static bool GlobMatches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        // Classic greedy matcher with one backtrack point: linear for patterns with a single '*', which is the usual case.
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (p < pattern.Length && pattern[p] == text[t])
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
