using Microsoft.Extensions.Options;

namespace Hybrid.Functions.Storage;

/// <summary>Rules spanning several <see cref="StorageOptions"/> fields: which authentication applies and whether it is complete.</summary>
internal sealed class StorageOptionsCrossValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        var hasAccountName = !string.IsNullOrWhiteSpace(options.AccountName);
        if (!hasConnectionString && !hasAccountName)
        {
            return ValidateOptionsResult.Fail(
                "Hybrid:Storage:ConnectionString or Hybrid:Storage:AccountName is required: set the connection string " +
                "(e.g. UseDevelopmentStorage=true for Azurite) or the account name (managed identity in Azure).");
        }

        if (hasConnectionString && !StorageConnectionString.TryParse(options.ConnectionString, out _, out var error))
        {
            return ValidateOptionsResult.Fail($"Hybrid:Storage:ConnectionString is invalid: {error}");
        }

        // TimeSpan ranges are checked here: [Range(typeof(TimeSpan), …)] is not trim-safe.
        foreach (var (setting, value, min, max, example) in new[]
        {
            ("RequestTimeout", options.RequestTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5), "00:00:10"),
            ("RetryDelay", options.RetryDelay, TimeSpan.Zero, TimeSpan.FromMinutes(1), "00:00:00.200"),
            ("MaxRetryDelay", options.MaxRetryDelay, TimeSpan.Zero, TimeSpan.FromMinutes(5), "00:00:05"),
        })
        {
            if (value < min || value > max)
            {
                return ValidateOptionsResult.Fail($"Hybrid:Storage:{setting} must be between {min:c} and {max:c}, e.g. {example}; got {value:c}.");
            }
        }

        if (options.MaxRetryDelay < options.RetryDelay)
        {
            return ValidateOptionsResult.Fail(
                $"Hybrid:Storage:MaxRetryDelay ({options.MaxRetryDelay}) must not be less than Hybrid:Storage:RetryDelay ({options.RetryDelay}).");
        }

        foreach (var (setting, endpoint) in new[] { ("QueueEndpoint", options.QueueEndpoint), ("TableEndpoint", options.TableEndpoint) })
        {
            if (endpoint is not null && (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("http" or "https")))
            {
                return ValidateOptionsResult.Fail($"Hybrid:Storage:{setting} must be an absolute http(s) URL, e.g. https://hybridstore.queue.core.windows.net.");
            }
        }

        return ValidateOptionsResult.Success;
    }
}
