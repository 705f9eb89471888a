using Microsoft.Extensions.Options;

namespace Hybrid.Functions.Ingest;

/// <summary>
/// Every rule on <see cref="IngestOptions"/>, each failure naming its setting and the accepted range. (Hand-written:
/// the source-generated DataAnnotations validator drops <c>ErrorMessage</c> on <c>[Range]</c>, and most rules here
/// are <see cref="TimeSpan"/> ranges or span two fields anyway.)
/// </summary>
internal sealed class IngestOptionsValidator : IValidateOptions<IngestOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Require(failures, "MaxBodyBytes", options.MaxBodyBytes, 1024, 256 * 1024 * 1024, "4194304 = 4 MiB");
        Require(failures, "MaxDecompressedBytes", options.MaxDecompressedBytes, 1024, 1024 * 1024 * 1024, "16777216 = 16 MiB");
        Require(failures, "MaxItems", options.MaxItems, 1, 100_000, "1000");
        Require(failures, "MaxParallelSends", options.MaxParallelSends, 1, 256, "16");
        Require(failures, "WatermarkCacheSize", options.WatermarkCacheSize, 0, 10_000_000, "100000; 0 turns the cache off");

        // Both lists share one Table string property (at most 32K characters): 512 ranges of two 20-digit seqs fit.
        Require(failures, "MaxDeliveredRanges", options.MaxDeliveredRanges, 0, 256, "64");
        Require(failures, "MaxClosedGaps", options.MaxClosedGaps, 0, 256, "64");

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
        Require(failures, "RecordDelay", options.RecordDelay, TimeSpan.Zero, TimeSpan.FromSeconds(5), "00:00:00.050; 0 records before answering");
        if (options.RecordDelay * 5 > options.ClaimDuration)
        {
            failures.Add($"Hybrid:Ingest:RecordDelay ({options.RecordDelay}) must be at most a fifth of Hybrid:Ingest:ClaimDuration ({options.ClaimDuration}), so seqs are recorded well before their claim can expire.");
        }

        Require(failures, "DeviceWait", options.DeviceWait, TimeSpan.Zero, TimeSpan.FromSeconds(30), "00:00:02; 0 answers 409 at once");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Require(List<string> failures, string setting, int value, int min, int max, string example)
    {
        if (value < min || value > max)
        {
            failures.Add($"Hybrid:Ingest:{setting} is {value}; it must be between {min} and {max} (default {example}).");
        }
    }

    private static void Require(List<string> failures, string setting, TimeSpan value, TimeSpan min, TimeSpan max, string example)
    {
        if (value < min || value > max)
        {
            failures.Add($"Hybrid:Ingest:{setting} is {value}; it must be between {min} and {max} (default {example}).");
        }
    }
}
