using System.Diagnostics;
using Hybrid.Demo.Processes;
using Hybrid.Testing;

namespace Hybrid.UnitTests.Tools;

/// <summary>The demo's wait for a service's port: it gives up as soon as the service has exited, and says why.</summary>
public sealed class DemoPortProbeTests
{
    [Fact]
    public async Task WaitUntilListening_ProcessExitsBeforeListening_FailsAtOnceWithTheEndOfItsOutput()
    {
        using var dir = new TempDirectory("demo-probe");
        var log = dir.File("service.log");
        await using var process = DemoProcess.Start("the service", new ProcessStartInfo("/bin/sh", ["-c", "for i in $(seq 1 30); do echo line$i; done; exit 3"]), log);
        var waited = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => PortProbe.WaitUntilListeningAsync(process, FreePort.Next(), TimeSpan.FromMinutes(1), TimeProvider.System, CancellationToken.None));

        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), $"waited {waited.Elapsed} for a process that had exited");
        Assert.Contains("the service exited (3) before listening", error.Message, StringComparison.Ordinal);
        Assert.Contains(log, error.Message, StringComparison.Ordinal);
        // The last 20 lines it printed, line11..line30, and nothing before them.
        Assert.Contains($"line11{Environment.NewLine}", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("line30", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("line10", error.Message, StringComparison.Ordinal);
    }
}
