using Microsoft.Extensions.Options;

namespace Hybrid.Functions.Ingest;

/// <summary>DataAnnotations (source-generated) plus the rules that span fields or need a <see cref="TimeSpan"/> range.</summary>
internal sealed class IngestOptionsValidator : IValidateOptions<IngestOptions>
{
    private readonly IngestOptionsAnnotationsValidator _annotations = new();

    public ValidateOptionsResult Validate(string? name, IngestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var annotations = _annotations.Validate(name, options);
        if (annotations.Failed)
        {
            failures.AddRange(annotations.Failures);
        }

        if (options.RequireFunctionKey && string.IsNullOrEmpty(options.FunctionKey))
        {
            failures.Add("Hybrid:Ingest:FunctionKey is empty: set it to the key clients send (x-functions-key header or ?code=), " +
                "or set Hybrid:Ingest:RequireFunctionKey=false when the Functions host checks keys in front of the app.");
        }

        if (options.MaxDecompressedBytes < options.MaxBodyBytes)
        {
            failures.Add($"Hybrid:Ingest:MaxDecompressedBytes ({options.MaxDecompressedBytes}) must be at least Hybrid:Ingest:MaxBodyBytes ({options.MaxBodyBytes}).");
        }

        Require(failures, "MaxTimestampAge", options.MaxTimestampAge, TimeSpan.FromMinutes(1), TimeSpan.FromDays(3650), "30.00:00:00");
        Require(failures, "MaxTimestampLead", options.MaxTimestampLead, TimeSpan.Zero, TimeSpan.FromDays(365), "00:05:00");
        Require(failures, "ClaimDuration", options.ClaimDuration, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), "00:01:00");
        Require(failures, "ConflictRetryAfter", options.ConflictRetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), "00:00:01");
        Require(failures, "UnavailableRetryAfter", options.UnavailableRetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), "00:00:05");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Require(List<string> failures, string setting, TimeSpan value, TimeSpan min, TimeSpan max, string example)
    {
        if (value < min || value > max)
        {
            failures.Add($"Hybrid:Ingest:{setting} is {value}; it must be between {min} and {max} (default {example}).");
        }
    }
}
