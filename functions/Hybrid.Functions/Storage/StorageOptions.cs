using System.ComponentModel.DataAnnotations;

namespace Hybrid.Functions.Storage;

/// <summary>
/// Storage account settings, section <c>Hybrid:Storage</c> (environment: <c>Hybrid__Storage__*</c>).
/// Either <see cref="ConnectionString"/> (account key; Azurite and connection strings) or <see cref="AccountName"/>
/// (Entra ID tokens from <c>DefaultAzureCredential</c>, e.g. a managed identity in Azure). The retry settings become
/// the Azure SDK clients' <c>ClientOptions.Retry</c>.
/// </summary>
internal sealed class StorageOptions
{
    public const string SectionName = "Hybrid:Storage";

    /// <summary>A storage connection string with an account key, or <c>UseDevelopmentStorage=true</c> for Azurite's defaults.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Account name used with Entra ID tokens when <see cref="ConnectionString"/> is empty.</summary>
    [RegularExpression("^([a-z0-9]{3,24})?$", ErrorMessage = "Hybrid:Storage:AccountName must be 3 to 24 lowercase letters and digits, e.g. hybridstore.")]
    public string AccountName { get; set; } = "";

    /// <summary>Queue service endpoint override for <see cref="AccountName"/> (default <c>https://{account}.queue.core.windows.net</c>).</summary>
    public Uri? QueueEndpoint { get; set; }

    /// <summary>Table service endpoint override for <see cref="AccountName"/> (default <c>https://{account}.table.core.windows.net</c>).</summary>
    public Uri? TableEndpoint { get; set; }

    /// <summary>Table holding the ingest dedupe watermarks (created on first use).</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Hybrid:Storage:WatermarkTable must be 3 to 63 letters and digits starting with a letter, e.g. ingestwatermarks.")]
    public string WatermarkTable { get; set; } = "ingestwatermarks";

    /// <summary>Time limit of one HTTP attempt against storage.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt on 408/429/500/502/503/504 and network failures (the SDK's transient set).</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>First retry delay; later ones grow exponentially with jitter up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of one retry delay.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Connections kept open per storage endpoint.</summary>
    public int MaxConnectionsPerEndpoint { get; set; } = 64;

    /// <summary>The connection string may carry an account key: never print it.</summary>
    public override string ToString() =>
        $"Storage {{ ConnectionString = {(ConnectionString.Length > 0 ? "(set)" : "(empty)")}, AccountName = {AccountName}, WatermarkTable = {WatermarkTable} }}";
}
