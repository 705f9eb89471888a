using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Capture;

/// <summary>Registers the capture sources that need nothing but the store (the <c>mqtt</c> source comes with AddMqtt).</summary>
internal static class CaptureServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <c>simulated</c>, <c>exec</c>, <c>stdin</c> and <c>system</c> sources (sections
    /// <c>Hybrid:Capture:*</c>, validated on start); each does nothing unless enabled or configured.
    /// </summary>
    public static IServiceCollection AddCapture(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<SimulatedCaptureOptions>().Bind(configuration.GetSection(SimulatedCaptureOptions.SectionName));
        services.AddSingleton<IValidateOptions<SimulatedCaptureOptions>, SimulatedCaptureOptionsValidator>();
        services.AddHostedService<SimulatedCaptureService>();

        services.AddSingleton<CaptureOptionsValidator>();
        services.AddOptionsWithValidateOnStart<ExecCaptureOptions>().Bind(configuration.GetSection(ExecCaptureOptions.SectionName));
        services.AddSingleton<IValidateOptions<ExecCaptureOptions>>(sp => sp.GetRequiredService<CaptureOptionsValidator>());
        services.AddOptionsWithValidateOnStart<StdinCaptureOptions>().Bind(configuration.GetSection(StdinCaptureOptions.SectionName));
        services.AddSingleton<IValidateOptions<StdinCaptureOptions>>(sp => sp.GetRequiredService<CaptureOptionsValidator>());
        services.AddOptionsWithValidateOnStart<SystemCaptureOptions>().Bind(configuration.GetSection(SystemCaptureOptions.SectionName));
        services.AddSingleton<IValidateOptions<SystemCaptureOptions>>(sp => sp.GetRequiredService<CaptureOptionsValidator>());
        services.AddSingleton<ExecCaptureService>();
        services.AddHostedService(sp => sp.GetRequiredService<ExecCaptureService>());
        services.AddSingleton<StdinCaptureService>();
        services.AddHostedService(sp => sp.GetRequiredService<StdinCaptureService>());
        services.AddHostedService<SystemCaptureService>();
        return services;
    }
}
