using Hybrid.Edge.Uplink;
using Hybrid.Testing;
using Polly.CircuitBreaker;

namespace Hybrid.UnitTests.Uplink;

public sealed class UplinkResilienceTests
{
    [Fact]
    public void Build_AgainAfterARestart_GetsItsOwnBreakerAndReportsIt()
    {
        var status = new UplinkStatus();
        var options = new UplinkOptions { BreakerMinimumThroughput = 2 };

        _ = UplinkResilience.Build(options, status, TimeProvider.System, new RecordingLogger<UplinkResilienceTests>(), CancellationToken.None);

        // A supervised restart builds the pipeline again; Polly attaches a breaker state provider only once.
        var second = Record.Exception(() => UplinkResilience.Build(options, status, TimeProvider.System, new RecordingLogger<UplinkResilienceTests>(), CancellationToken.None));
        Assert.Null(second);
        Assert.Equal(CircuitState.Closed, status.Breaker);
        Assert.Equal("closed", status.BreakerState);
    }
}
