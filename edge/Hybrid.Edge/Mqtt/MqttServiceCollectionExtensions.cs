using Hybrid.Edge.Capture;
using Hybrid.Edge.Sinks;
using Hybrid.Edge.Store;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Mqtt;

/// <summary>Registers the MQTT sink and the <c>mqtt</c> capture source.</summary>
internal static class MqttServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <c>Hybrid:Mqtt</c> and adds the sink and capture hosted services. When the sink is enabled
    /// (the default) it is declared to the store as sink <c>mqtt</c>, so retention keeps readings until it published them.
    /// </summary>
    public static IServiceCollection AddMqtt(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<MqttOptions>().Bind(configuration.GetSection(MqttOptions.SectionName));
        services.AddSingleton<IValidateOptions<MqttOptions>, MqttOptionsValidator>();
        services.AddSingleton<IValidateOptions<MqttOptions>, MqttOptionsRulesValidator>();
        services.AddSingleton<IMqttClientFactory, MqttNetClientFactory>();
        services.AddSingleton<MqttStatus>();
        if (configuration.GetSection(MqttOptions.SectionName).GetValue(nameof(MqttOptions.Enabled), true))
        {
            services.AddStoreSink(MqttSinkService.SinkName);
            services.AddSingleton<ISinkStatus>(sp => sp.GetRequiredService<MqttStatus>());
        }

        services.AddHostedService<MqttSinkService>();
        services.AddHostedService<MqttCaptureService>();
        return services;
    }
}
