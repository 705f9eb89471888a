using Microsoft.Extensions.Logging;

namespace Hybrid.Edge.Mqtt;

/// <summary>Creates <see cref="MqttNetClient"/> instances.</summary>
internal sealed class MqttNetClientFactory(TimeProvider time, ILoggerFactory loggers) : IMqttClientFactory
{
    public IMqttClient Create(MqttClientSettings settings) => new MqttNetClient(settings, time, loggers.CreateLogger<MqttNetClient>());
}
