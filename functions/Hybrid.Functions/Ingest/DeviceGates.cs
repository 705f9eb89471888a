namespace Hybrid.Functions.Ingest;

/// <summary>
/// One async gate per <c>(device, epoch)</c> inside this instance, so concurrent requests for one device take turns
/// (each waits up to a bound) instead of racing for the Table claim and answering 409 at once. Gates exist only while
/// someone holds or waits for them, so memory follows the devices currently sending, not every device ever seen.
/// <para>
/// Hand-written because the feed serves no keyed async lock (AsyncKeyedLock is not served; Nito.AsyncEx has unkeyed
/// locks only) and a keyed <see cref="SemaphoreSlim"/> with a reference count is a few lines.
/// </para>
/// </summary>
internal sealed class DeviceGates(TimeProvider time)
{
    private readonly Dictionary<(string Device, string Epoch), Gate> _gates = [];

    /// <summary>Gates currently held or waited for (for tests and metrics).</summary>
    public int Count
    {
        get
        {
            lock (_gates)
            {
                return _gates.Count;
            }
        }
    }

    /// <summary>
    /// Waits up to <paramref name="wait"/> for the device's turn; the returned lease ends it. Null when the turn did not
    /// come in time (the caller answers 409 with <c>Retry-After</c>).
    /// </summary>
    public async Task<IDisposable?> EnterAsync(string device, string epoch, TimeSpan wait, CancellationToken cancellationToken)
    {
        var key = (device, epoch);
        Gate gate;
        lock (_gates)
        {
            if (!_gates.TryGetValue(key, out gate!))
            {
                gate = new Gate();
                _gates.Add(key, gate);
            }

            gate.Users++;
        }

        try
        {
            if (!gate.Semaphore.Wait(0, CancellationToken.None))
            {
                using var timeout = new CancellationTokenSource(wait, time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
                try
                {
                    await gate.Semaphore.WaitAsync(linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    Leave(key, gate, release: false);
                    return null;
                }
            }
        }
        catch
        {
            Leave(key, gate, release: false);
            throw;
        }

        return new Lease(this, key, gate);
    }

    private void Leave((string, string) key, Gate gate, bool release)
    {
        lock (_gates)
        {
            if (release)
            {
                gate.Semaphore.Release();
            }

            if (--gate.Users == 0)
            {
                _gates.Remove(key);
                gate.Semaphore.Dispose();
            }
        }
    }

    private sealed class Gate
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        /// <summary>Holders and waiters; guarded by the dictionary's lock.</summary>
        public int Users { get; set; }
    }

    private sealed class Lease(DeviceGates owner, (string, string) key, Gate gate) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Leave(key, gate, release: true);
            }
        }
    }
}
