using Hybrid.Edge.Capture;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Mqtt;

/// <summary>Registers the MQTT sink and the <c>mqtt</c> capture source.</summary>
internal static class MqttServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <c>Hybrid:Mqtt</c> and adds the sink and capture hosted services. The sink uses the keyed
    /// <see cref="Store.ISinkLog"/> <c>"mqtt"</c> and the capture source the <see cref="Store.IReadingWriter"/> when
    /// the store registers them.
    /// </summary>
    public static IServiceCollection AddMqtt(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<MqttOptions>().Bind(configuration.GetSection(MqttOptions.SectionName));
        services.AddSingleton<IValidateOptions<MqttOptions>, MqttOptionsValidator>();
        services.AddSingleton<IValidateOptions<MqttOptions>, MqttOptionsRulesValidator>();
        services.AddSingleton<IMqttClientFactory, MosquittoClientFactory>();
        services.AddHostedService<MqttSinkService>();
        services.AddHostedService<MqttCaptureService>();
        return services;
    }
}
