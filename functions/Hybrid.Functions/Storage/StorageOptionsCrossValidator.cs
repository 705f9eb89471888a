using Microsoft.Extensions.Options;

namespace Hybrid.Functions.Storage;

/// <summary>
/// Rules the DataAnnotations cannot say: which authentication applies and whether it is complete, ranges of
/// <see cref="TimeSpan"/>s (<c>[Range(typeof(TimeSpan), …)]</c> is not trim-safe) and numbers (the generated
/// Range check drops our messages), and fields that depend on each other. Every message names the setting and a fix.
/// </summary>
internal sealed class StorageOptionsCrossValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        if (!hasConnectionString && string.IsNullOrWhiteSpace(options.AccountName))
        {
            failures.Add(
                "Hybrid:Storage:ConnectionString or Hybrid:Storage:AccountName is required: set the connection string " +
                "(e.g. UseDevelopmentStorage=true for Azurite) or the account name (managed identity in Azure).");
        }

        if (hasConnectionString && StorageAccountClients.ConnectionStringError(options.ConnectionString) is { } error)
        {
            failures.Add($"Hybrid:Storage:ConnectionString is invalid: {error}");
        }

        foreach (var (setting, value, min, max, example) in new[]
        {
            ("RequestTimeout", options.RequestTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5), "00:00:10"),
            ("RetryDelay", options.RetryDelay, TimeSpan.Zero, TimeSpan.FromMinutes(1), "00:00:00.200"),
            ("MaxRetryDelay", options.MaxRetryDelay, TimeSpan.Zero, TimeSpan.FromMinutes(5), "00:00:05"),
        })
        {
            if (value < min || value > max)
            {
                failures.Add($"Hybrid:Storage:{setting} must be between {min:c} and {max:c}, e.g. {example}; got {value:c}.");
            }
        }

        if (options.MaxRetryDelay < options.RetryDelay)
        {
            failures.Add($"Hybrid:Storage:MaxRetryDelay ({options.MaxRetryDelay:c}) must not be less than Hybrid:Storage:RetryDelay ({options.RetryDelay:c}).");
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            failures.Add($"Hybrid:Storage:MaxRetries must be between 0 and 10, e.g. 4; got {options.MaxRetries}.");
        }

        if (options.MaxConnectionsPerEndpoint is < 1 or > 1024)
        {
            failures.Add($"Hybrid:Storage:MaxConnectionsPerEndpoint must be between 1 and 1024, e.g. 64; got {options.MaxConnectionsPerEndpoint}.");
        }

        foreach (var (setting, endpoint) in new[] { ("QueueEndpoint", options.QueueEndpoint), ("TableEndpoint", options.TableEndpoint) })
        {
            if (endpoint is not null && (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("http" or "https")))
            {
                failures.Add($"Hybrid:Storage:{setting} must be an absolute http(s) URL, e.g. https://hybridstore.queue.core.windows.net.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
