namespace Hybrid.Edge.Mqtt;

/// <summary>MQTT topic filter matching (<c>+</c> one level, <c>#</c> the rest) and filter validation.</summary>
internal static class TopicFilter
{
    /// <summary>True when <paramref name="topic"/> matches <paramref name="filter"/>.</summary>
    public static bool Matches(string filter, string topic)
    {
        var f = filter.AsSpan();
        var t = topic.AsSpan();
        while (true)
        {
            var fEnd = f.IndexOf('/');
            var fLevel = fEnd < 0 ? f : f[..fEnd];
            if (fLevel is "#")
            {
                return true;
            }

            var tEnd = t.IndexOf('/');
            var tLevel = tEnd < 0 ? t : t[..tEnd];
            if (fLevel is not "+" && !fLevel.SequenceEqual(tLevel))
            {
                return false;
            }

            if (fEnd < 0 || tEnd < 0)
            {
                // "a/#" also matches "a" itself.
                return fEnd < 0 && tEnd < 0 || (tEnd < 0 && f[(fEnd + 1)..] is "#");
            }

            f = f[(fEnd + 1)..];
            t = t[(tEnd + 1)..];
        }
    }

    /// <summary>Null when <paramref name="filter"/> is a valid subscription filter, else why not.</summary>
    public static string? Validate(string? filter)
    {
        if (string.IsNullOrEmpty(filter))
        {
            return "is empty";
        }

        var levels = filter.Split('/');
        for (var i = 0; i < levels.Length; i++)
        {
            var level = levels[i];
            if (level.Contains('#', StringComparison.Ordinal) && (level != "#" || i != levels.Length - 1))
            {
                return "uses '#' other than as the whole last level";
            }

            if (level.Contains('+', StringComparison.Ordinal) && level != "+")
            {
                return "uses '+' other than as a whole level";
            }
        }

        return null;
    }
}
