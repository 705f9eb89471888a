using Hybrid.Contracts;
using Hybrid.Edge.Hosting;
using Hybrid.Edge.Store;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Capture;

/// <summary>The rules of the <c>exec</c>, <c>stdin</c> and <c>system</c> sources, one line per problem naming the setting.</summary>
internal sealed class CaptureOptionsValidator : IValidateOptions<ExecCaptureOptions>, IValidateOptions<StdinCaptureOptions>, IValidateOptions<SystemCaptureOptions>
{
    public ValidateOptionsResult Validate(string? name, ExecCaptureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Sources.Count; i++)
        {
            var source = options.Sources[i];
            var setting = $"{ExecCaptureOptions.SectionName}:Sources:{i}";
            if (!SinkNames.IsValid(source.Name))
            {
                failures.Add($"{setting}:Name '{source.Name}' must be 1 to 64 of a-z 0-9 . _ -, e.g. rtl433.");
            }
            else if (!names.Add(source.Name))
            {
                failures.Add($"{setting}:Name '{source.Name}' is used by another exec source; names must differ.");
            }

            if (string.IsNullOrWhiteSpace(source.Command))
            {
                failures.Add($"{setting}:Command is empty; set the program to run, e.g. rtl_433 (arguments go in {setting}:Arguments:N).");
            }

            CheckLine(failures, setting, source, source.EffectiveType);
            DurationRule.Check(failures, $"{setting}:RestartMin", source.RestartMin, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1), "00:00:01");
            DurationRule.Check(failures, $"{setting}:RestartMax", source.RestartMax, source.RestartMin, TimeSpan.FromHours(1), "00:01:00");
        }

        return Result(failures);
    }

    public ValidateOptionsResult Validate(string? name, StdinCaptureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        CheckLine(failures, StdinCaptureOptions.SectionName, options, options.EffectiveType);
        return Result(failures);
    }

    public ValidateOptionsResult Validate(string? name, SystemCaptureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        DurationRule.Check(failures, $"{SystemCaptureOptions.SectionName}:Interval", options.Interval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), "00:01:00");
        return Result(failures);
    }

    private static void CheckLine(List<string> failures, string setting, JsonLineOptions options, string effectiveType)
    {
        if (!WireRules.IsValidType(effectiveType))
        {
            failures.Add($"{setting}:Type '{effectiveType}' is not a reading type; use 1 to 128 of a-z 0-9 . _ -, e.g. telemetry.rtl433.");
        }

        foreach (var (pointer, value) in new[] { ("TypePointer", options.TypePointer), ("KeyPointer", options.KeyPointer), ("TsPointer", options.TsPointer) })
        {
            if (value.Length > 0 && !JsonPointer.IsValid(value))
            {
                failures.Add($"{setting}:{pointer} '{value}' is not a JSON pointer; it starts with /, e.g. /model.");
            }
        }
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
