using Hybrid.Functions.Ingest;
using Microsoft.Extensions.Options;

namespace Hybrid.Functions.Storage;

/// <summary>Registers the storage clients and their ingest seams.</summary>
internal static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <c>Hybrid:Storage</c> on start, and registers one <see cref="StorageAccountClients"/> for the
    /// account (shared by everything), <see cref="IMessageQueues"/>, <see cref="IWatermarkStore"/> and
    /// <see cref="StorageHealthProbe"/>.
    /// </summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptionsWithValidateOnStart<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName));
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsCrossValidator>();
        services.AddSingleton(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger<StorageAccountClients>();
            var clients = new StorageAccountClients(options, logger);
            Log.StorageConfigured(logger, clients.Queues.AccountName, clients.Queues.Uri, clients.Tables.Uri,
                clients.UsesIdentity ? "Entra ID" : "SharedKey", clients.Attempts);
            return clients;
        });
        services.AddSingleton<IMessageQueues, QueueMessageSender>();
        services.AddSingleton<IWatermarkStore, TableWatermarkStore>();
        services.AddSingleton<StorageHealthProbe>();
        return services;
    }
}
