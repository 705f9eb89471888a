using System.Diagnostics;

namespace Hybrid.Demo.Processes;

/// <summary>
/// One service the demo runs, its standard output and error appended to a log file. Whoever starts it stops it:
/// SIGTERM, then SIGKILL after a grace period.
/// </summary>
internal sealed class DemoProcess : IAsyncDisposable
{
    /// <summary>Lines of output kept in memory for an error message (the whole output is in the log file).</summary>
    public const int TailLines = 20;

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private readonly Queue<string> _tail = new();
    private bool _disposed;

    private DemoProcess(string name, Process process, StreamWriter log, string logPath)
    {
        Name = name;
        Id = process.Id;
        _process = process;
        _log = log;
        LogPath = logPath;
    }

    public string Name { get; }

    public int Id { get; }

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Standard input, for a process started with <c>stdin: true</c>.</summary>
    public StreamWriter StandardInput => _process.StandardInput;

    /// <summary>The last <see cref="TailLines"/> lines it printed, oldest first.</summary>
    public IReadOnlyList<string> Tail()
    {
        lock (_logLock)
        {
            return [.. _tail];
        }
    }

    /// <summary>Completes when it has exited and everything it printed is in the log (and in <see cref="Tail"/>).</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    public static DemoProcess Start(string name, ProcessStartInfo info, string logPath)
    {
        ArgumentNullException.ThrowIfNull(info);
        info.UseShellExecute = false;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        try
        {
            if (!process.Start())
            {
                throw new InvalidOperationException($"could not start {name} ({info.FileName})");
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            log.Dispose();
            process.Dispose();
            throw new InvalidOperationException($"could not start {name}: {info.FileName}: {e.Message}", e);
        }

        var started = new DemoProcess(name, process, log, logPath);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>SIGTERM, then SIGKILL (the whole tree) when it has not exited within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_disposed || _process.HasExited)
        {
            return;
        }

        PosixSignals.Send(_process.Id, PosixSignals.Terminate);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _disposed = true;
        _process.Dispose();
        lock (_logLock)
        {
            _log.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logLock)
        {
            _log.WriteLine(line);
            _tail.Enqueue(line);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }
    }
}
