namespace Hybrid.Edge.Mqtt;

/// <summary>Creates MQTT connections; the agent registers <see cref="MqttNetClientFactory"/>.</summary>
internal interface IMqttClientFactory
{
    /// <summary>A new, not yet connected client. Throws <see cref="MqttConfigurationException"/> for settings that cannot be used (e.g. unreadable TLS files).</summary>
    IMqttClient Create(MqttClientSettings settings);
}
