namespace Hybrid.Edge.Hosting;

/// <summary>The range check every options validator makes of its durations, with one wording for all settings.</summary>
internal static class DurationRule
{
    /// <summary>Adds a failure naming <paramref name="setting"/> (full path) when <paramref name="value"/> is outside [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static void Check(List<string> failures, string setting, TimeSpan value, TimeSpan min, TimeSpan max, string example)
    {
        ArgumentNullException.ThrowIfNull(failures);
        if (value < min || value > max)
        {
            failures.Add($"{setting} ({value}) must be between {min} and {max}, e.g. {example}.");
        }
    }
}
