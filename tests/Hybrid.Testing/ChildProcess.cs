using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Hybrid.Testing;

/// <summary>
/// A real child process with its output captured. Disposing kills the whole process tree, and any still alive
/// when the test host exits are killed too, so test runs leave nothing behind.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<ChildProcess, byte> Live = new();
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputLock = new();

    static ChildProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var child in Live.Keys)
            {
                child.Kill();
            }
        };
    }

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    /// <summary>A short name for messages.</summary>
    public string Name { get; }

    /// <summary>The OS process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Exit code, once exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_outputLock)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/>.</summary>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null, bool redirectStdin = false)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectStdin,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process, Path.GetFileName(fileName));
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {fileName}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Live[child] = 0;
        return child;
    }

    /// <summary>Standard input, when started with <c>redirectStdin</c>.</summary>
    public StreamWriter StandardInput => _process.StandardInput;

    /// <summary>Sends a signal (e.g. 15 for SIGTERM, 9 for SIGKILL) to the process.</summary>
    public void Signal(int signal)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            kill?.WaitForExit();
        }
    }

    /// <summary>Kills the process tree at once (SIGKILL).</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Waits for the process to exit, or throws after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout}. Output:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>Waits until the captured output contains <paramref name="text"/>, or throws.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"{Name} did not print '{text}' within {timeout}. Output:\n{Output}");
            }

            if (HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {ExitCode} before printing '{text}'. Output:\n{Output}");
            }

            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // Reported by the leftover-process check of the test scripts rather than hanging the run.
        }

        Live.TryRemove(this, out _);
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputLock)
        {
            // Keep the tail only: some children are chatty and tests only need recent lines for diagnostics.
            if (_output.Length > 1_000_000)
            {
                _output.Remove(0, 500_000);
            }

            _output.AppendLine(line);
        }
    }
}
