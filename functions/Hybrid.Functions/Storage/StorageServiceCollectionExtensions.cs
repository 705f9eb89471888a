using Azure.Identity;
using Hybrid.Functions.Ingest;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hybrid.Functions.Storage;

/// <summary>Registers the storage client and its ingest seams.</summary>
internal static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <c>Hybrid:Storage</c> on start, and registers one <see cref="StorageTransport"/> (one
    /// <see cref="HttpClient"/>) for the account, <see cref="StorageQueueClient"/>, <see cref="StorageTableClient"/>,
    /// <see cref="IMessageQueues"/>, <see cref="IWatermarkStore"/> and <see cref="StorageHealthProbe"/>.
    /// Needs a <see cref="TimeProvider"/> registration.
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
            var logger = sp.GetService<ILoggerFactory>()?.CreateLogger<StorageTransport>() ?? NullLogger<StorageTransport>.Instance;
            var account = CreateAccount(options);
            Log.StorageConfigured(logger, account.Name, account.QueueEndpoint, account.TableEndpoint, account.SharedKey is null ? "Entra ID" : "SharedKey");
            return new StorageTransport(account, options, sp.GetRequiredService<TimeProvider>(), logger,
                account.SharedKey is null ? new DefaultAzureCredential() : null);
        });
        services.AddSingleton<StorageQueueClient>();
        services.AddSingleton<StorageTableClient>();
        services.AddSingleton<IMessageQueues, QueueMessageSender>();
        services.AddSingleton<IWatermarkStore, TableWatermarkStore>();
        services.AddSingleton<StorageHealthProbe>();
        return services;
    }

    internal static StorageAccount CreateAccount(StorageOptions options) =>
        string.IsNullOrWhiteSpace(options.ConnectionString)
            ? StorageAccount.ForTokenCredential(options.AccountName, options.QueueEndpoint, options.TableEndpoint)
            : StorageAccount.Parse(options.ConnectionString);
}
