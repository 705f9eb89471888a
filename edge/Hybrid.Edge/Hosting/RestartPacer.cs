namespace Hybrid.Edge.Hosting;

/// <summary>
/// Paces the restarts of something that fails or exits (a sink, a capture command): the delay grows with each quick
/// restart and starts over after a run that lasted longer than the backoff's cap.
/// </summary>
internal sealed class RestartPacer(ReconnectBackoff backoff, TimeProvider time)
{
    private int _attempt;
    private long _started = time.GetTimestamp();

    /// <summary>Marks the start of a run.</summary>
    public void Started() => _started = time.GetTimestamp();

    /// <summary>The delay before the next run, after the current one ended.</summary>
    public TimeSpan NextDelay()
    {
        _attempt = time.GetElapsedTime(_started) > backoff.Max ? 1 : _attempt + 1;
        return backoff.DelayFor(_attempt);
    }
}
