namespace Hybrid.Edge.Uplink;

/// <summary>Where the uplink prepares its next batch while the current one is on the wire.</summary>
internal interface IBatchPreparer : IDisposable
{
    /// <summary>Runs <paramref name="prepare"/>, one preparation at a time and in order.</summary>
    Task<T> RunAsync<T>(Func<Task<T>> prepare);
}
