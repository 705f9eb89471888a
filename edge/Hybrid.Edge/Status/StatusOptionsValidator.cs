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

        if (!IPAddress.TryParse(options.Host, out var address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            // HttpListener (and the Prometheus exporter on it) listens on one address, not on every interface.
            failures.Add($"Hybrid:Status:Host '{options.Host}' must be one IP address of this machine, e.g. 127.0.0.1 (or its LAN address for a Prometheus elsewhere).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
