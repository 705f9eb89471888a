using System.Globalization;
using Hybrid.Demo.Processes;

namespace Hybrid.Demo.Services;

/// <summary>
/// A stand-in for a local device (a zigbee door sensor): publishes a JSON event to the topic the agent's MQTT capture
/// subscribes to, through <c>mosquitto_pub -l</c>.
/// </summary>
internal sealed class DoorSensor(DemoProcess publisher, TimeSpan interval, TimeProvider time)
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
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false) && !publisher.HasExited)
            {
                open = !open;
                var line = string.Create(CultureInfo.InvariantCulture, $"{{\"contact\":\"{(open ? "open" : "closed")}\",\"event\":{Published + 1}}}");
                await publisher.StandardInput.WriteLineAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
                await publisher.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _published);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
        catch (IOException)
        {
            // mosquitto_pub exited; the runner notices and reports it.
        }
    }
}
