using Hybrid.Contracts;

namespace Hybrid.Edge.Mqtt;

/// <summary>What <see cref="MqttSink"/> needs besides the store and the client; built from <see cref="MqttOptions"/>.</summary>
internal sealed record MqttSinkSettings(
    string Device,
    TopicTemplate Template,
    int DefaultQos,
    bool DefaultRetain,
    IReadOnlyList<MqttTypeRule> Rules,
    int InflightWindow)
{
    /// <summary>How often the durable cursor is moved while readings keep being acknowledged.</summary>
    public TimeSpan AdvanceInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>QoS and retain for <paramref name="type"/>: the first matching rule, else the defaults.</summary>
    public (int Qos, bool Retain) For(string type)
    {
        foreach (var rule in Rules)
        {
            if (TypePattern.Matches(rule.Type, type))
            {
                return (rule.Qos, rule.Retain);
            }
        }

        return (DefaultQos, DefaultRetain);
    }

    public static MqttSinkSettings From(MqttOptions options, string device)
    {
        if (!TopicTemplate.TryParse(options.TopicTemplate, options.AllowEmptyLevels, out var template, out var error))
        {
            throw new MqttConfigurationException(error!);
        }

        return new MqttSinkSettings(device, template!, options.Qos, options.Retain, options.Rules, options.InflightWindow);
    }
}
