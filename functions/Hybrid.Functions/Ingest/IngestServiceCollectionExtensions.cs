using Microsoft.Extensions.Options;

namespace Hybrid.Functions.Ingest;

/// <summary>Registers ingest: options (validated on start), routing, claim protocol, fan-out.</summary>
internal static class IngestServiceCollectionExtensions
{
    /// <summary>
    /// Adds everything <c>POST /api/ingest</c> needs except <see cref="IMessageQueues"/> and <see cref="IWatermarkStore"/>,
    /// which the storage clients register, and <see cref="FunctionKeyCheck"/>, which depends on the host.
    /// </summary>
    public static IServiceCollection AddIngest(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<IngestOptions>().Bind(configuration.GetSection(IngestOptions.SectionName));
        services.AddSingleton<IValidateOptions<IngestOptions>, IngestOptionsValidator>();
        services.AddOptionsWithValidateOnStart<RoutingOptions>().Bind(configuration.GetSection(RoutingOptions.SectionName));
        services.AddSingleton<IValidateOptions<RoutingOptions>, RoutingOptionsValidator>();
        services.AddSingleton(sp => new RouteTable(sp.GetRequiredService<IOptions<RoutingOptions>>().Value));
        services.AddSingleton(sp =>
        {
            var routing = sp.GetRequiredService<IOptions<RoutingOptions>>().Value;
            return new MessagePacker(routing.MaxMessageBytes, routing.Packing);
        });
        services.AddSingleton<DeviceGates>();
        services.AddMetrics();
        services.AddSingleton<IngestMetrics>();
        services.AddSingleton<WatermarkCoordinator>();
        services.AddHostedService<ParkedRecordsOnStop>();
        services.AddSingleton<QueueFanOut>();
        services.AddSingleton<IngestProcessor>();
        return services;
    }
}
