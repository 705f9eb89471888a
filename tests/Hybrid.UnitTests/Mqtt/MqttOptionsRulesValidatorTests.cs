using Hybrid.Edge.Mqtt;

namespace Hybrid.UnitTests.Mqtt;

public sealed class MqttOptionsRulesValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed() =>
        Assert.True(new MqttOptionsRulesValidator().Validate(null, new MqttOptions()).Succeeded);

    [Fact]
    public void Validate_BadValues_OneMessagePerProblemNamingTheSetting()
    {
        var options = new MqttOptions
        {
            Port = 0,
            ReconnectMin = TimeSpan.FromSeconds(10),
            ReconnectMax = TimeSpan.FromSeconds(5),
            TopicTemplate = "a/{nope}",
            Password = "x",
            Rules = [new MqttTypeRule { Type = "alert.*", Qos = 3 }],
            Tls = new MqttTlsOptions { Enabled = true, CaFile = "/missing/ca.pem", CertFile = "/missing/c.pem" },
            Capture = new MqttCaptureOptions { Enabled = true, Topics = ["a/#/b"], TypeMap = [new MqttTypeMapping { Filter = "x", Type = "Bad Type" }] },
        };

        var failures = new MqttOptionsRulesValidator().Validate(null, options).Failures!.ToList();

        Assert.Collection(
            failures,
            f => Assert.StartsWith("Hybrid:Mqtt:Port (0)", f, StringComparison.Ordinal),
            f => Assert.StartsWith("Hybrid:Mqtt:ReconnectMax (00:00:05) must not be below Hybrid:Mqtt:ReconnectMin", f, StringComparison.Ordinal),
            f => Assert.Contains("unknown placeholder '{nope}'", f, StringComparison.Ordinal),
            f => Assert.StartsWith("Hybrid:Mqtt:Rules:0:Qos", f, StringComparison.Ordinal),
            f => Assert.StartsWith("Hybrid:Mqtt:Password is set without Hybrid:Mqtt:Username", f, StringComparison.Ordinal),
            f => Assert.StartsWith("Hybrid:Mqtt:Tls:CaFile '/missing/ca.pem' does not exist", f, StringComparison.Ordinal),
            f => Assert.StartsWith("Hybrid:Mqtt:Tls:CertFile '/missing/c.pem' does not exist", f, StringComparison.Ordinal),
            f => Assert.StartsWith("Hybrid:Mqtt:Tls:CertFile and Hybrid:Mqtt:Tls:KeyFile go together", f, StringComparison.Ordinal),
            f => Assert.StartsWith("Hybrid:Mqtt:Capture:Topics:0 'a/#/b'", f, StringComparison.Ordinal),
            f => Assert.StartsWith("Hybrid:Mqtt:Capture:TypeMap:0:Type 'Bad Type'", f, StringComparison.Ordinal));
    }
}
