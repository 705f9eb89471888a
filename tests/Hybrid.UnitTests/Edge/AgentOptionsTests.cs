using Hybrid.Edge.Hosting;

namespace Hybrid.UnitTests.Edge;

public sealed class AgentOptionsTests
{
    [Theory]
    [InlineData("raspberrypi", "raspberrypi")]
    [InlineData("my pi#1", "my-pi-1")]
    [InlineData("", "edge")]
    public void DeviceIdFromHostName_SanitizesToContractCharacters(string host, string expected) =>
        Assert.Equal(expected, AgentOptions.DeviceIdFromHostName(host));

    [Fact]
    public void EffectiveDeviceId_PrefersConfiguredId()
    {
        var options = new AgentOptions { DeviceId = "pi-kitchen" };

        Assert.Equal("pi-kitchen", options.EffectiveDeviceId);
    }

    [Fact]
    public void Validator_BadDeviceId_NamesTheSetting()
    {
        var result = new AgentOptionsValidator().Validate(null, new AgentOptions { DeviceId = "bad id!" });

        Assert.True(result.Failed);
        Assert.Contains("Hybrid:Agent:DeviceId", result.FailureMessage, StringComparison.Ordinal);
    }
}
