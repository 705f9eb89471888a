using Hybrid.Contracts;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Store;

/// <summary>
/// Rules of <see cref="StoreOptions"/> beyond the required/pattern DataAnnotations: list items, cross-field rules, and
/// every range (the DataAnnotations source generator drops a <c>[Range]</c>'s <c>ErrorMessage</c>, printing
/// "The field StoreOptions.MaxRows must be between 1000 and 9.223372036854776E+18" instead of naming the setting).
/// </summary>
internal sealed class StoreOptionsRules : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.HighLanePatterns.Count; i++)
        {
            if (!TypePattern.IsValid(options.HighLanePatterns[i]))
            {
                failures.Add($"Hybrid:Store:HighLanePatterns:{i} '{options.HighLanePatterns[i]}' is not a type pattern: use a-z 0-9 . _ - and * (e.g. alert.*).");
            }
        }

        for (var i = 0; i < options.Sinks.Count; i++)
        {
            if (!SinkNames.IsValid(options.Sinks[i]))
            {
                failures.Add($"Hybrid:Store:Sinks:{i} '{options.Sinks[i]}' is not a sink name: use 1 to 64 of a-z 0-9 . _ -.");
            }
        }

        CheckRange(failures, "ChannelCapacity", options.ChannelCapacity, 16, 10_000_000, "50000");
        CheckRange(failures, "CommitMaxReadings", options.CommitMaxReadings, 1, 100_000, "2000");
        CheckAtLeast(failures, "MaxRows", options.MaxRows, 1_000, "5000000");
        CheckAtLeast(failures, "MaxBytes", options.MaxBytes, 1_048_576, "1073741824 = 1 GiB; at least 1 MiB");
        CheckAtLeast(failures, "MinFreeDiskBytes", options.MinFreeDiskBytes, 0, "209715200 = 200 MiB");
        if (options.MinFreeDiskPercent is < 0 or > 50 || double.IsNaN(options.MinFreeDiskPercent))
        {
            failures.Add($"Hybrid:Store:MinFreeDiskPercent is {options.MinFreeDiskPercent}; it must be between 0 and 50 (default 5).");
        }

        CheckDuration(failures, "CommitInterval", options.CommitInterval, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        CheckDuration(failures, "Ttl", options.Ttl, TimeSpan.Zero, TimeSpan.FromDays(3650));
        CheckDuration(failures, "RetentionInterval", options.RetentionInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        CheckDuration(failures, "DiskFullRetryInterval", options.DiskFullRetryInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));
        CheckDuration(failures, "StatsInterval", options.StatsInterval, TimeSpan.Zero, TimeSpan.FromDays(1));
        if (options.CommitMaxReadings > options.ChannelCapacity)
        {
            failures.Add($"Hybrid:Store:CommitMaxReadings ({options.CommitMaxReadings}) must not exceed Hybrid:Store:ChannelCapacity ({options.ChannelCapacity}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckRange(List<string> failures, string name, long value, long min, long max, string example)
    {
        if (value < min || value > max)
        {
            failures.Add($"Hybrid:Store:{name} is {value}; it must be between {min} and {max} (default {example}).");
        }
    }

    private static void CheckAtLeast(List<string> failures, string name, long value, long min, string example)
    {
        if (value < min)
        {
            failures.Add($"Hybrid:Store:{name} is {value}; it must be at least {min} (default {example}).");
        }
    }

    private static void CheckDuration(List<string> failures, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        // TimeSpan ranges are checked here rather than with [Range(typeof(TimeSpan), …)], which needs reflection (not trimmable).
        if (value < min || value > max)
        {
            failures.Add($"Hybrid:Store:{name} is {value:c}; it must be between {min:c} and {max:c} (format d.hh:mm:ss).");
        }
    }
}
