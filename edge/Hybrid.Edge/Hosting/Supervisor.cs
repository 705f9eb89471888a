using Microsoft.Extensions.Logging;

namespace Hybrid.Edge.Hosting;

/// <summary>
/// Keeps a long-running part of the agent (a sink, a capture source) alive: when it fails it is logged as one line
/// and started again after a jittered exponential backoff, so one fault never stops forwarding or capture for good.
/// A sink restarted this way resumes from its durable cursor.
/// </summary>
internal static class Supervisor
{
    /// <summary>
    /// Runs <paramref name="run"/> until it returns (done, e.g. disabled or misconfigured) or
    /// <paramref name="stoppingToken"/> is cancelled; every exception starts it again after
    /// <paramref name="backoff"/>'s delay. The attempt count starts over once a run lasted longer than the backoff's cap.
    /// </summary>
    public static async Task RunAsync(string component, Func<CancellationToken, Task> run, ReconnectBackoff backoff, TimeProvider time, ILogger logger, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(backoff);
        var pacer = new RestartPacer(backoff, time);
        while (!stoppingToken.IsCancellationRequested)
        {
            pacer.Started();
            TimeSpan delay;
            try
            {
                await run(stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                delay = pacer.NextDelay();
                Log.ComponentRestarting(logger, component, delay, ex);
            }

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
}
