using System.Net;
using System.Net.Sockets;

namespace Hybrid.Testing;

/// <summary>Free TCP ports on loopback.</summary>
public static class FreePort
{
    /// <summary>Asks the kernel for an unused loopback port. The port is free now; a race with another process is possible but rare.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
