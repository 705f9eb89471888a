namespace Hybrid.Edge.Capture;

/// <summary>
/// Lets a repeating log line through at most <c>burst</c> times per <c>window</c> and says how many were held back,
/// so a command spewing bad lines cannot flood the journal (an SD card's wear is the operator's budget too).
/// </summary>
internal sealed class LogThrottle(TimeProvider time, TimeSpan window, int burst)
{
    private readonly Lock _gate = new();
    private long _windowStart = long.MinValue;
    private int _inWindow;
    private long _suppressed;

    /// <summary>True when this occurrence may be logged; <paramref name="suppressed"/> counts those held back before it.</summary>
    public bool TryEnter(out long suppressed)
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            if (_windowStart == long.MinValue || time.GetElapsedTime(_windowStart, now) >= window)
            {
                _windowStart = now;
                _inWindow = 0;
            }

            if (_inWindow < burst)
            {
                _inWindow++;
                suppressed = _suppressed;
                _suppressed = 0;
                return true;
            }

            _suppressed++;
            suppressed = 0;
            return false;
        }
    }
}
