using System.Globalization;
using Hybrid.Contracts;
using Hybrid.Edge.Hosting;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Uplink;

/// <summary>Every rule of <see cref="UplinkOptions"/>, one line per problem naming the setting and a value that works.</summary>
internal sealed class UplinkOptionsValidator : IValidateOptions<UplinkOptions>
{
    /// <summary>Most stored bytes per batch: with JSON framing it stays far below the Function's 16 MiB decompressed limit.</summary>
    public const int MaxBatchBytesLimit = 8 * 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, UplinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Enabled)
        {
            CheckUrl(failures, options.Url);
            if (options.FunctionKey.Length == 0)
            {
                failures.Add("Hybrid:Uplink:FunctionKey is empty; set it to the ingest Function's key (environment Hybrid__Uplink__FunctionKey).");
            }
            else if (options.FunctionKey.Any(c => c is <= ' ' or > '~'))
            {
                // It goes in a header; the key itself is never echoed.
                failures.Add("Hybrid:Uplink:FunctionKey holds a space, a control or a non-ASCII character (a stray newline or a pasted invisible character?); set the key alone.");
            }
        }

        if (options.MaxBatchItems is < 1 or > WireRules.MaxBatchItems)
        {
            failures.Add($"Hybrid:Uplink:MaxBatchItems ({options.MaxBatchItems}) must be 1 to {WireRules.MaxBatchItems}, e.g. 1000.");
        }

        if (options.MaxBatchBytes < 1024 || options.MaxBatchBytes > MaxBatchBytesLimit)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"Hybrid:Uplink:MaxBatchBytes ({options.MaxBatchBytes}) must be 1024 to {MaxBatchBytesLimit}, e.g. 1048576."));
        }

        DurationRule.Check(failures, "Hybrid:Uplink:Linger", options.Linger, TimeSpan.Zero, TimeSpan.FromMinutes(10), "00:00:00.200");
        DurationRule.Check(failures, "Hybrid:Uplink:AttemptTimeout", options.AttemptTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), "00:00:30");
        DurationRule.Check(failures, "Hybrid:Uplink:RetryMin", options.RetryMin, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1), "00:00:01");
        DurationRule.Check(failures, "Hybrid:Uplink:RetryMax", options.RetryMax, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1), "00:01:00");
        DurationRule.Check(failures, "Hybrid:Uplink:MaxRetryAfter", options.MaxRetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), "00:10:00");
        DurationRule.Check(failures, "Hybrid:Uplink:BreakerSamplingDuration", options.BreakerSamplingDuration, TimeSpan.FromMilliseconds(500), TimeSpan.FromDays(1), "00:00:30");
        DurationRule.Check(failures, "Hybrid:Uplink:BreakerBreakDuration", options.BreakerBreakDuration, TimeSpan.FromMilliseconds(500), TimeSpan.FromDays(1), "00:00:30");
        // The host gives every service 30 s to stop (AgentHost); a longer grace would be cut short silently.
        DurationRule.Check(failures, "Hybrid:Uplink:ShutdownGrace", options.ShutdownGrace, TimeSpan.Zero, TimeSpan.FromSeconds(25), "00:00:20");
        if (options.RetryMax < options.RetryMin)
        {
            failures.Add($"Hybrid:Uplink:RetryMax ({options.RetryMax}) must not be below Hybrid:Uplink:RetryMin ({options.RetryMin}).");
        }

        if (!(options.BreakerFailureRatio is > 0 and <= 1))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"Hybrid:Uplink:BreakerFailureRatio ({options.BreakerFailureRatio}) must be above 0 and at most 1, e.g. 0.5."));
        }

        if (options.BreakerMinimumThroughput < 2)
        {
            failures.Add($"Hybrid:Uplink:BreakerMinimumThroughput ({options.BreakerMinimumThroughput}) must be at least 2, e.g. 5.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckUrl(List<string> failures, string url)
    {
        if (url.Length == 0)
        {
            failures.Add("Hybrid:Uplink:Url is empty; set the ingest Function's URL, e.g. https://my-app.azurewebsites.net/api/ingest (or set Hybrid:Uplink:Enabled to false).");
        }
        else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"Hybrid:Uplink:Url '{url}' is not an absolute http(s) URL, e.g. https://my-app.azurewebsites.net/api/ingest.");
        }
        else if (!string.IsNullOrEmpty(uri.UserInfo) || uri.Query.Contains("code=", StringComparison.OrdinalIgnoreCase))
        {
            // A key in the URL would end up in logs; the key has its own setting and goes in a header.
            failures.Add("Hybrid:Uplink:Url must not carry credentials (user info or ?code=); put the key in Hybrid:Uplink:FunctionKey.");
        }
    }
}
