using System.Net;
using System.Net.Sockets;

namespace Hybrid.Demo.Processes;

/// <summary>Whether something accepts TCP connections on a loopback port.</summary>
internal static class PortProbe
{
    public static async Task<bool> IsListeningAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Waits until <paramref name="process"/> listens on <paramref name="port"/>; throws with its log's path when it exits or times out.</summary>
    public static async Task WaitUntilListeningAsync(DemoProcess process, int port, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(process);
        var started = time.GetTimestamp();
        while (!await IsListeningAsync(port, cancellationToken).ConfigureAwait(false))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.Name} exited ({process.ExitCode}) before listening on 127.0.0.1:{port}; its log: {process.LogPath}");
            }

            if (time.GetElapsedTime(started) > timeout)
            {
                throw new InvalidOperationException($"{process.Name} did not listen on 127.0.0.1:{port} within {timeout.TotalSeconds:0} s; its log: {process.LogPath}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken).ConfigureAwait(false);
        }
    }
}
