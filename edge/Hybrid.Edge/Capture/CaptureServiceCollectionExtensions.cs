using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Capture;

/// <summary>Registers the capture sources that need nothing but the store (the <c>mqtt</c> source comes with AddMqtt).</summary>
internal static class CaptureServiceCollectionExtensions
{
    /// <summary>Adds the <c>simulated</c> source (section <c>Hybrid:Capture:Simulated</c>, validated on start).</summary>
    public static IServiceCollection AddCapture(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<SimulatedCaptureOptions>().Bind(configuration.GetSection(SimulatedCaptureOptions.SectionName));
        services.AddSingleton<IValidateOptions<SimulatedCaptureOptions>, SimulatedCaptureOptionsValidator>();
        services.AddHostedService<SimulatedCaptureService>();
        return services;
    }
}
