using System.Net;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Status;

/// <summary>One line per problem of <c>Hybrid:Status</c>.</summary>
internal sealed class StatusOptionsValidator : IValidateOptions<StatusOptions>
{
    public ValidateOptionsResult Validate(string? name, StatusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"Hybrid:Status:Port ({options.Port}) must be 1 to 65535, e.g. 9464.");
        }

        if (options.Host is not ("0.0.0.0" or "*" or "+" or "localhost") && !IPAddress.TryParse(options.Host, out _))
        {
            failures.Add($"Hybrid:Status:Host '{options.Host}' must be an IP address to listen on, e.g. 127.0.0.1 (or 0.0.0.0 for every interface).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
