using Microsoft.Extensions.Logging;

namespace Hybrid.Edge.Mqtt;

/// <summary>Creates <see cref="MosquittoClient"/> instances.</summary>
internal sealed class MosquittoClientFactory(TimeProvider time, ILoggerFactory loggers) : IMqttClientFactory
{
    public IMqttClient Create(MqttClientSettings settings) => new MosquittoClient(settings, time, loggers.CreateLogger<MosquittoClient>());
}
