using System.Globalization;
using Hybrid.Contracts;
using Microsoft.Extensions.Options;

namespace Hybrid.Functions.Ingest;

/// <summary>Checks queue names against the Azure Storage rules and route patterns against the type alphabet.</summary>
internal sealed class RoutingOptionsValidator : IValidateOptions<RoutingOptions>
{
    /// <summary>Smallest message limit: a 32 KiB payload with the longest type, source and key, escaped, in base64.</summary>
    public const int MinMessageBytes = 48 * 1024;

    public ValidateOptionsResult Validate(string? name, RoutingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxMessageBytes is < MinMessageBytes or > RoutingOptions.ServiceMaxMessageBytes)
        {
            failures.Add($"Hybrid:Routing:MaxMessageBytes is {options.MaxMessageBytes}; it must be between {MinMessageBytes} (the largest valid item must fit) and {RoutingOptions.ServiceMaxMessageBytes} (the service limit, counted after base64).");
        }

        CheckQueue(failures, "Hybrid:Routing:DefaultQueue", options.DefaultQueue);
        CheckQueue(failures, "Hybrid:Routing:RejectedQueue", options.RejectedQueue);
        for (var i = 0; i < options.Routes.Count; i++)
        {
            var route = options.Routes[i];
            var prefix = string.Create(CultureInfo.InvariantCulture, $"Hybrid:Routing:Routes:{i}");
            if (!TypePattern.IsValid(route.Pattern))
            {
                failures.Add($"{prefix}:Pattern '{route.Pattern}' is not a type pattern: 1-128 characters from a-z 0-9 . _ - and * (e.g. telemetry.*).");
            }

            CheckQueue(failures, prefix + ":Queue", route.Queue);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckQueue(List<string> failures, string setting, string? value)
    {
        if (!IsValidQueueName(value))
        {
            failures.Add($"{setting} '{value}' is not a valid queue name: 3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit.");
        }
    }

    /// <summary>Queue names: 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.</summary>
    internal static bool IsValidQueueName(string? name) =>
        name is { Length: >= 3 and <= 63 }
        && name.All(static c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && name[0] != '-' && name[^1] != '-'
        && !name.Contains("--", StringComparison.Ordinal);
}
