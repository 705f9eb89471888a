namespace Hybrid.Edge.Mqtt;

/// <summary>Creates MQTT connections; the agent registers <see cref="MosquittoClientFactory"/>.</summary>
internal interface IMqttClientFactory
{
    /// <summary>A new, not yet connected client. Throws <see cref="MqttConfigurationException"/> for settings libmosquitto refuses.</summary>
    IMqttClient Create(MqttClientSettings settings);
}
