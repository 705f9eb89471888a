using Hybrid.Edge.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Capture;

/// <summary>
/// The <c>stdin</c> capture source: JSON lines from standard input. The end of input stops this source, not the
/// agent, which keeps forwarding what it stored.
/// </summary>
internal sealed class StdinCaptureService(
    IOptions<StdinCaptureOptions> options,
    IReadingWriter writer,
    TimeProvider time,
    ILogger<StdinCaptureService> logger) : BackgroundService
{
    private const string Source = "stdin";

    public LineSourceCounters Counters { get; } = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        // Off the host's startup path: reading a console stream can block a thread.
        await Task.Yield();
        var mapper = new JsonLineMapper(settings, settings.EffectiveType, Source, time);
        var reader = new JsonLineReader(Source, mapper, writer, Counters, new LogThrottle(time, TimeSpan.FromSeconds(10), 5), logger);
        await using var input = Console.OpenStandardInput();
        try
        {
            await reader.ReadToEndAsync(input, stoppingToken).ConfigureAwait(false);
            CaptureLog.StdinEnded(logger, Counters.Lines, Counters.Readings, Counters.Refused);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
