namespace Hybrid.Edge.Mqtt;

/// <summary>A setting the MQTT client cannot use (e.g. unreadable TLS files); the message names the setting and the fix.</summary>
public sealed class MqttConfigurationException : Exception
{
    public MqttConfigurationException()
    {
    }

    public MqttConfigurationException(string message)
        : base(message)
    {
    }

    public MqttConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
