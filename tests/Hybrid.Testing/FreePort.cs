using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Hybrid.Testing;

/// <summary>Free TCP ports on loopback.</summary>
public static class FreePort
{
    /// <summary>Every port this process has handed out: the kernel may offer a just-released port again at once.</summary>
    private static readonly ConcurrentDictionary<int, byte> HandedOut = new();

    /// <summary>
    /// Asks the kernel for an unused loopback port that this process has not handed out before (Azurite's three ports,
    /// asked for one after the other, once came back as the same port twice). The port is free now; a race with
    /// another process is possible but rare.
    /// </summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (HandedOut.TryAdd(port, 0))
            {
                return port;
            }
        }

        throw new InvalidOperationException("The kernel offered only ports this process had already handed out, 100 times.");
    }

    /// <summary>Waits until something accepts TCP connections on <paramref name="port"/>, or throws.</summary>
    public static async Task WaitUntilListeningAsync(int port, TimeSpan timeout, Func<string>? diagnostics = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cts.Token);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, CancellationToken.None);
                if (cts.IsCancellationRequested)
                {
                    throw new TimeoutException($"Nothing listens on 127.0.0.1:{port} after {timeout}. {diagnostics?.Invoke()}");
                }
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Nothing listens on 127.0.0.1:{port} after {timeout}. {diagnostics?.Invoke()}");
            }
        }
    }
}
