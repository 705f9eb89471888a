using System.Globalization;
using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Services;

[Collection(Collections.Mosquitto)]
public sealed class MosquittoFixtureTests(MosquittoFixture fixture)
{
    [Fact]
    public async Task Broker_PublishThenSubscribe_DeliversRetainedMessage()
    {
        var broker = fixture.Broker;
        var port = broker.Port.ToString(CultureInfo.InvariantCulture);
        var topic = $"hybrid/test/{Guid.NewGuid():N}";
        var payload = $"{{\"value\":{Random.Shared.Next()}}}";

        await using (var pub = ChildProcess.Start(Tools.MosquittoPub, ["-h", broker.Host, "-p", port, "-q", "1", "-r", "-t", topic, "-m", payload]))
        {
            Assert.Equal(0, await pub.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        }

        await using var sub = ChildProcess.Start(Tools.MosquittoSub, ["-h", broker.Host, "-p", port, "-q", "1", "-t", topic, "-C", "1", "-W", "10"]);
        Assert.Equal(0, await sub.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(payload, sub.Output.Trim());
    }

    [Fact]
    public async Task Broker_KilledAndRestarted_AcceptsConnectionsOnSamePort()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var port = broker.Port;

        await broker.KillAsync();
        await broker.RestartAsync();

        Assert.Equal(port, broker.Port);
        await using var pub = ChildProcess.Start(Tools.MosquittoPub, ["-h", broker.Host, "-p", port.ToString(CultureInfo.InvariantCulture), "-t", "x", "-m", "y"]);
        Assert.Equal(0, await pub.WaitForExitAsync(TimeSpan.FromSeconds(10)));
    }
}
