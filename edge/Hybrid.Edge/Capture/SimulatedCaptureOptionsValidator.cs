using Hybrid.Contracts;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Capture;

/// <summary>Checks <see cref="SimulatedCaptureOptions"/>; each message names the setting and the fix.</summary>
internal sealed class SimulatedCaptureOptionsValidator : IValidateOptions<SimulatedCaptureOptions>
{
    public ValidateOptionsResult Validate(string? name, SimulatedCaptureOptions options)
    {
        var failures = new List<string>();
        if (options.Interval < TimeSpan.FromMilliseconds(1) || options.Interval > TimeSpan.FromDays(1))
        {
            failures.Add($"{SimulatedCaptureOptions.SectionName}:Interval '{options.Interval}' must be between 00:00:00.001 and 1.00:00:00.");
        }

        for (var i = 0; i < options.Sensors.Count; i++)
        {
            var sensor = options.Sensors[i];
            var setting = $"{SimulatedCaptureOptions.SectionName}:Sensors:{i}";
            if (!WireRules.IsValidType(sensor.Type))
            {
                failures.Add($"{setting}:Type '{sensor.Type}' is not a reading type: use 1 to {WireRules.MaxTypeLength} of a-z 0-9 . _ - (e.g. telemetry.temperature).");
            }

            if (!(sensor.Min < sensor.Max) || !double.IsFinite(sensor.Min) || !double.IsFinite(sensor.Max))
            {
                failures.Add($"{setting}: Min ({sensor.Min}) must be a finite number below Max ({sensor.Max}).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
