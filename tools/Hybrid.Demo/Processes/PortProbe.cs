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

    /// <summary>
    /// Waits until <paramref name="process"/> listens on <paramref name="port"/>. Stops as soon as it exits, with the end of
    /// its output and its log's path in the error; on a timeout, with the log's path.
    /// </summary>
    public static async Task WaitUntilListeningAsync(DemoProcess process, int port, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(process);
        var started = time.GetTimestamp();
        while (!await IsListeningAsync(port, cancellationToken).ConfigureAwait(false))
        {
            if (process.HasExited)
            {
                // Its last lines may still be on their way from the pipe: wait for the end of its output first.
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                var tail = process.Tail();
                var output = tail.Count == 0 ? "it printed nothing" : $"its last lines:{Environment.NewLine}{string.Join(Environment.NewLine, tail)}";
                throw new InvalidOperationException($"{process.Name} exited ({process.ExitCode}) before listening on 127.0.0.1:{port}; its log: {process.LogPath}; {output}");
            }

            if (time.GetElapsedTime(started) > timeout)
            {
                throw new InvalidOperationException($"{process.Name} did not listen on 127.0.0.1:{port} within {timeout.TotalSeconds:0} s; its log: {process.LogPath}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken).ConfigureAwait(false);
        }
    }
}
