using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Status;

/// <summary>Registers the local status endpoint (<c>Hybrid:Status</c>).</summary>
internal static class StatusServiceCollectionExtensions
{
    public static IServiceCollection AddStatusEndpoint(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<StatusOptions>().Bind(configuration.GetSection(StatusOptions.SectionName));
        services.AddSingleton<IValidateOptions<StatusOptions>, StatusOptionsValidator>();
        services.AddSingleton<StatusReporter>();
        services.AddHostedService<StatusEndpointService>();
        return services;
    }
}
