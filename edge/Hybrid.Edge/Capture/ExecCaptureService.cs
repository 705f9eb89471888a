using System.ComponentModel;
using System.Diagnostics;
using Hybrid.Edge.Hosting;
using Hybrid.Edge.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Capture;

/// <summary>
/// The <c>exec</c> capture sources: each runs its command and captures the JSON lines of its standard output; its
/// standard error goes to the log (throttled). When the command exits it is started again after a jittered backoff;
/// when the agent stops, the command is killed.
/// </summary>
internal sealed class ExecCaptureService(
    IOptions<ExecCaptureOptions> options,
    IReadingWriter writer,
    TimeProvider time,
    ILogger<ExecCaptureService> logger) : BackgroundService
{
    private static readonly TimeSpan ThrottleWindow = TimeSpan.FromSeconds(10);

    /// <summary>Counters per source name.</summary>
    public IReadOnlyDictionary<string, LineSourceCounters> Counters { get; } =
        options.Value.Sources.ToDictionary(s => s.Name, _ => new LineSourceCounters(), StringComparer.Ordinal);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(options.Value.Sources.Select(source => RunSourceAsync(source, stoppingToken)));

    private async Task RunSourceAsync(ExecSourceOptions source, CancellationToken stoppingToken)
    {
        var pacer = new RestartPacer(new ReconnectBackoff(source.RestartMin, source.RestartMax, new Random()), time);
        var mapper = new JsonLineMapper(source, source.EffectiveType, source.Name, time);
        var reader = new JsonLineReader(source.Name, mapper, writer, Counters[source.Name], new LogThrottle(time, ThrottleWindow, 5), logger);
        var stderrThrottle = new LogThrottle(time, ThrottleWindow, 10);
        while (!stoppingToken.IsCancellationRequested)
        {
            pacer.Started();
            var outcome = await RunOnceAsync(source, reader, stderrThrottle, stoppingToken).ConfigureAwait(false);
            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            var delay = pacer.NextDelay();
            CaptureLog.ExecExited(logger, source.Name, outcome, delay);
            try
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Runs the command once until it exits (or the agent stops); returns how it ended, for the log.</summary>
    private async Task<string> RunOnceAsync(ExecSourceOptions source, JsonLineReader reader, LogThrottle stderrThrottle, CancellationToken stoppingToken)
    {
        var info = new ProcessStartInfo(source.Command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = source.WorkingDirectory,
        };
        foreach (var argument in source.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            return $"could not start '{source.Command}': {ex.Message}; check {ExecCaptureOptions.SectionName}:Sources (Command, WorkingDirectory)";
        }

        process.StandardInput.Close();
        CaptureLog.ExecStarted(logger, source.Name, source.Command, process.Id);
        try
        {
            var stderr = LogStandardErrorAsync(source.Name, process.StandardError, stderrThrottle, stoppingToken);
            await reader.ReadToEndAsync(process.StandardOutput.BaseStream, stoppingToken).ConfigureAwait(false);
            await process.WaitForExitAsync(stoppingToken).ConfigureAwait(false);
            await stderr.ConfigureAwait(false);
            return $"exited with code {process.ExitCode}";
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return "stopped";
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private async Task LogStandardErrorAsync(string name, StreamReader stderr, LogThrottle throttle, CancellationToken cancellationToken)
    {
        while (await stderr.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length > 0 && throttle.TryEnter(out var suppressed))
            {
                CaptureLog.ExecStandardError(logger, name, line.Length > 500 ? line[..500] : line, suppressed);
            }
        }
    }
}
