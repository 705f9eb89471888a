using Hybrid.Contracts;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Store;

/// <summary>Rules of <see cref="StoreOptions"/> that DataAnnotations cannot express (list items, cross-field).</summary>
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

    private static void CheckDuration(List<string> failures, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        // TimeSpan ranges are checked here rather than with [Range(typeof(TimeSpan), …)], which needs reflection (not trimmable).
        if (value < min || value > max)
        {
            failures.Add($"Hybrid:Store:{name} is {value:c}; it must be between {min:c} and {max:c} (format d.hh:mm:ss).");
        }
    }
}
