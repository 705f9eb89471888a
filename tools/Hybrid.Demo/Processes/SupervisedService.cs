namespace Hybrid.Demo.Processes;

/// <summary>
/// A service the demo keeps running: when it exits (someone killed it to see what happens) it is started again after
/// <see cref="RestartDelay"/>, on the same port and data. The demo owns the process it holds.
/// </summary>
internal sealed class SupervisedService(string name, Func<CancellationToken, Task<DemoProcess>> start, bool restart, TimeProvider time)
{
    public static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(20);

    private long? _exitedAt;
    private bool _stopped;

    public string Name => name;

    /// <summary>The running process (or the one that exited, until it is restarted).</summary>
    public DemoProcess? Current { get; private set; }

    /// <summary>True when an exit is not worth a restart (the agent: its exit ends the demo).</summary>
    public bool IsFatalExit => !restart && Current is { HasExited: true };

    public async Task StartAsync(CancellationToken cancellationToken) => Current = await start(cancellationToken).ConfigureAwait(false);

    /// <summary>Notices an exit and restarts after the delay; returns what happened, for the view, or null.</summary>
    public async Task<string?> SuperviseAsync(CancellationToken cancellationToken)
    {
        if (!restart || _stopped || Current is not { HasExited: true } exited)
        {
            return null;
        }

        if (_exitedAt is not { } since)
        {
            _exitedAt = time.GetTimestamp();
            return $"{name} (pid {exited.Id}) exited with code {exited.ExitCode}; starting it again in {RestartDelay.TotalSeconds:0} s";
        }

        if (time.GetElapsedTime(since) < RestartDelay)
        {
            return null;
        }

        try
        {
            var next = await start(cancellationToken).ConfigureAwait(false);
            await exited.DisposeAsync().ConfigureAwait(false);
            Current = next;
            _exitedAt = null;
            return $"{name} started again (pid {next.Id})";
        }
        catch (InvalidOperationException e)
        {
            _exitedAt = time.GetTimestamp();
            return $"{name} did not start again ({e.Message}); trying again in {RestartDelay.TotalSeconds:0} s";
        }
    }

    /// <summary>Stops the process (SIGTERM, then SIGKILL after <paramref name="grace"/>) for good and releases it; once.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (Current is { } process && !_stopped)
        {
            _stopped = true;
            await process.StopAsync(grace).ConfigureAwait(false);
            await process.DisposeAsync().ConfigureAwait(false);
        }
    }
}
