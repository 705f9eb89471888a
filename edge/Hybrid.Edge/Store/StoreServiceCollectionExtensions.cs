using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Store;

/// <summary>Registers the store with the agent host.</summary>
internal static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds the store (options section <c>Hybrid:Store</c>, validated on start), its writer as
    /// <see cref="IReadingWriter"/>, and the hosted service that opens it in <c>Hybrid:Agent:DataDirectory</c>.
    /// </summary>
    public static IServiceCollection AddStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<StoreOptions>().Bind(configuration.GetSection(StoreOptions.SectionName));
        services.AddSingleton<IValidateOptions<StoreOptions>, StoreOptionsValidator>();
        services.AddSingleton<IValidateOptions<StoreOptions>, StoreOptionsRules>();
        services.AddSingleton<ReadingStore>();
        // Through a handle: the store owns (and disposes) its writer; the container must not dispose it a second time.
        services.AddSingleton<IReadingWriter>(sp => new ReadingWriterHandle(sp.GetRequiredService<ReadingStore>().Writer));
        services.AddHostedService<StoreService>();
        return services;
    }

    /// <summary>
    /// Declares a sink: retention keeps every reading until this sink's cursor passed it. Resolve its log with
    /// <c>ReadingStore.GetSink(name)</c>.
    /// </summary>
    public static IServiceCollection AddStoreSink(this IServiceCollection services, string name)
    {
        SinkNames.ThrowIfInvalid(name, nameof(name));

        services.AddSingleton(new StoreSinkRegistration(name));
        return services;
    }
}
