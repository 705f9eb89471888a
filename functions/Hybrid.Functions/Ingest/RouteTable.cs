using Hybrid.Contracts;

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
            if (TypePattern.Matches(pattern, type))
            {
                return queue;
            }
        }

        return DefaultQueue;
    }
}
