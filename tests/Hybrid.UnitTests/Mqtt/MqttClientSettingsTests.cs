using Hybrid.Edge.Mqtt;

namespace Hybrid.UnitTests.Mqtt;

public sealed class MqttClientSettingsTests
{
    [Fact]
    public void ToString_WithPassword_MasksPasswordButShowsOtherSettings()
    {
        var settings = new MqttClientSettings { Host = "broker.local", Port = 8883, ClientId = "edge-7", Username = "agent", Password = "s3cret-Pa55" };

        var text = settings.ToString();

        Assert.DoesNotContain("s3cret-Pa55", text, StringComparison.Ordinal);
        Assert.Contains("Password = ***", text, StringComparison.Ordinal);
        Assert.Contains("Host = broker.local, Port = 8883, ClientId = edge-7", text, StringComparison.Ordinal);
        Assert.Contains("Username = agent", text, StringComparison.Ordinal);
    }
}
