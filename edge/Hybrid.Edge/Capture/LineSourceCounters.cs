namespace Hybrid.Edge.Capture;

/// <summary>What a line-reading source (an <c>exec</c> command, standard input) did: read, stored, refused, dropped.</summary>
internal sealed class LineSourceCounters
{
    private long _lines;
    private long _readings;
    private long _refused;
    private long _dropped;

    public long Lines => Interlocked.Read(ref _lines);

    /// <summary>Readings handed to the store.</summary>
    public long Readings => Interlocked.Read(ref _readings);

    /// <summary>Lines that were not a reading (not a JSON object, bad type, too long).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Readings the store no longer took because it was stopping (counted by the store as <c>stopped</c>).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    internal void AddLine() => Interlocked.Increment(ref _lines);

    internal void AddReading() => Interlocked.Increment(ref _readings);

    internal void AddRefused() => Interlocked.Increment(ref _refused);

    internal void AddDropped() => Interlocked.Increment(ref _dropped);
}
