namespace Hybrid.Edge.Store;

/// <summary>Monotonic counters of the store, updated lock-free and read by stats.</summary>
internal sealed class StoreCounters
{
    private readonly long[] _drops = new long[Enum.GetValues<DropReason>().Length];
    private long _written;
    private long _bytesWritten;
    private long _commits;
    private long _diskFullEvents;

    public long Written => Interlocked.Read(ref _written);

    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    public long Commits => Interlocked.Read(ref _commits);

    public long DiskFullEvents => Interlocked.Read(ref _diskFullEvents);

    public long Dropped(DropReason reason) => Interlocked.Read(ref _drops[(int)reason]);

    public long TotalDropped => _drops.Sum(d => Interlocked.Read(ref d));

    public void AddDropped(DropReason reason, long count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref _drops[(int)reason], count);
        }
    }

    public void AddCommit(long readings, long bytes)
    {
        Interlocked.Add(ref _written, readings);
        Interlocked.Add(ref _bytesWritten, bytes);
        Interlocked.Increment(ref _commits);
    }

    public void AddDiskFull() => Interlocked.Increment(ref _diskFullEvents);
}
