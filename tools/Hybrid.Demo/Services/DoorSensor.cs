using System.Globalization;
using Hybrid.Demo.Processes;

namespace Hybrid.Demo.Services;

/// <summary>
/// A stand-in for a local device (a zigbee door sensor): publishes a JSON event to the topic the agent's MQTT capture
/// subscribes to, through <c>mosquitto_pub -l</c>. While the publisher is down (the broker was killed), events are not
/// captured at all: they never get a seq, so they are not missing later.
/// </summary>
internal sealed class DoorSensor(SupervisedService publisher, TimeSpan interval, TimeProvider time)
{
    private long _published;

    /// <summary>Events written to the publisher.</summary>
    public long Published => Interlocked.Read(ref _published);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var open = false;
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                if (publisher.Current is not { HasExited: false } process)
                {
                    continue;
                }

                open = !open;
                var line = string.Create(CultureInfo.InvariantCulture, $"{{\"contact\":\"{(open ? "open" : "closed")}\",\"event\":{Published + 1}}}");
                if (await TryWriteAsync(process, line, cancellationToken).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref _published);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    private static async Task<bool> TryWriteAsync(DemoProcess process, string line, CancellationToken cancellationToken)
    {
        try
        {
            await process.StandardInput.WriteLineAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
            await process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (IOException)
        {
            // mosquitto_pub exited (its broker went away) between the check and the write; it is started again.
            return false;
        }
    }
}
