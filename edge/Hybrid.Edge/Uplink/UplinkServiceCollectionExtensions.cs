using Hybrid.Edge.Sinks;
using Hybrid.Edge.Store;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Uplink;

/// <summary>Registers the cloud uplink.</summary>
internal static class UplinkServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <c>Hybrid:Uplink</c> and adds the uplink's hosted service. When enabled it is declared to
    /// the store as sink <c>uplink</c>, so retention keeps every reading until the Function has answered for it.
    /// </summary>
    public static IServiceCollection AddUplink(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<UplinkOptions>().Bind(configuration.GetSection(UplinkOptions.SectionName));
        services.AddSingleton<IValidateOptions<UplinkOptions>, UplinkOptionsValidator>();
        services.AddSingleton<UplinkStatus>();
        if (configuration.GetSection(UplinkOptions.SectionName).GetValue(nameof(UplinkOptions.Enabled), false))
        {
            services.AddStoreSink(UplinkService.SinkName);
            services.AddSingleton<ISinkStatus>(sp => sp.GetRequiredService<UplinkStatus>());
        }

        services.AddHostedService<UplinkService>();
        return services;
    }
}
