using Hybrid.Functions.Health;
using Hybrid.Functions.Ingest;
using Hybrid.Functions.Storage;

namespace Hybrid.Functions.Hosting;

/// <summary>The services both hosts share: storage, ingest, the handlers and the JSON they answer with.</summary>
internal static class AppServices
{
    /// <summary>
    /// Registers everything the handlers need. <paramref name="keysCheckedByHost"/>: the Functions host checks function
    /// keys (<c>AuthorizationLevel.Function</c>) before a request reaches the worker, so the app does not; standalone,
    /// the app checks <c>Hybrid:Ingest:FunctionKey</c> itself.
    /// </summary>
    public static IServiceCollection AddHybridIngestApp(this IServiceCollection services, IConfiguration configuration, bool keysCheckedByHost)
    {
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, FunctionJsonContext.Default));
        services.AddSingleton(TimeProvider.System);
        services.AddStorage(configuration);
        services.AddIngest(configuration);
        if (keysCheckedByHost)
        {
            services.PostConfigure<IngestOptions>(static o => o.RequireFunctionKey = false);
            services.AddSingleton(FunctionKeyCheck.CheckedByHost);
        }
        else
        {
            services.AddSingleton<FunctionKeyCheck>();
        }

        services.AddSingleton<IngestHandler>();
        services.AddSingleton<HealthHandler>();
        return services;
    }
}
