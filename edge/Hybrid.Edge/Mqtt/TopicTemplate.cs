using System.Text;

namespace Hybrid.Edge.Mqtt;

/// <summary>
/// A parsed topic template such as <c>hybrid/{device}/{type}</c> with placeholders <c>{device} {type} {key} {source}</c>.
/// Parsing rejects wildcards, unknown placeholders and (unless allowed) empty levels; rendering checks the values,
/// because a key or source may itself be empty or contain <c>/ + #</c>.
/// </summary>
internal sealed class TopicTemplate
{
    private const int CacheLimit = 10_000;
    private readonly List<Segment> _segments;
    private readonly Dictionary<(string Device, string Type, string? Key, string Source), string> _cache = [];

    private TopicTemplate(string text, List<Segment> segments, bool allowEmptyLevels)
    {
        Text = text;
        _segments = segments;
        AllowEmptyLevels = allowEmptyLevels;
    }

    /// <summary>The template as configured.</summary>
    public string Text { get; }

    public bool AllowEmptyLevels { get; }

    /// <summary>Parses <paramref name="template"/>; on failure <paramref name="error"/> names the problem and the fix.</summary>
    public static bool TryParse(string? template, bool allowEmptyLevels, out TopicTemplate? result, out string? error)
    {
        result = null;
        if (string.IsNullOrEmpty(template))
        {
            error = "Hybrid:Mqtt:TopicTemplate is empty; use e.g. hybrid/{device}/{type}.";
            return false;
        }

        var segments = new List<Segment>();
        var literal = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c is '+' or '#' or '\0')
            {
                error = $"Hybrid:Mqtt:TopicTemplate '{template}' contains '{(c == '\0' ? "NUL" : c)}', which is not allowed in a topic to publish to; remove it.";
                return false;
            }

            if (c == '{')
            {
                var end = template.IndexOf('}', i);
                if (end < 0)
                {
                    error = $"Hybrid:Mqtt:TopicTemplate '{template}' has a '{{' without '}}'; placeholders are {{device}}, {{type}}, {{key}}, {{source}}.";
                    return false;
                }

                var name = template[(i + 1)..end];
                var kind = name switch
                {
                    "device" => SegmentKind.Device,
                    "type" => SegmentKind.Type,
                    "key" => SegmentKind.Key,
                    "source" => SegmentKind.Source,
                    _ => SegmentKind.Literal,
                };
                if (kind == SegmentKind.Literal)
                {
                    error = $"Hybrid:Mqtt:TopicTemplate '{template}' has an unknown placeholder '{{{name}}}'; use {{device}}, {{type}}, {{key}} or {{source}}.";
                    return false;
                }

                if (literal.Length > 0)
                {
                    segments.Add(new Segment(SegmentKind.Literal, literal.ToString()));
                    literal.Clear();
                }

                segments.Add(new Segment(kind, null));
                i = end;
                continue;
            }

            if (c == '}')
            {
                error = $"Hybrid:Mqtt:TopicTemplate '{template}' has a '}}' without '{{'; placeholders are {{device}}, {{type}}, {{key}}, {{source}}.";
                return false;
            }

            literal.Append(c);
        }

        if (literal.Length > 0)
        {
            segments.Add(new Segment(SegmentKind.Literal, literal.ToString()));
        }

        if (!allowEmptyLevels && HasEmptyLevel(template))
        {
            error = $"Hybrid:Mqtt:TopicTemplate '{template}' has an empty topic level (a leading, trailing or double '/'); remove it or set Hybrid:Mqtt:AllowEmptyLevels=true.";
            return false;
        }

        result = new TopicTemplate(template, segments, allowEmptyLevels);
        error = null;
        return true;
    }

    /// <summary>Renders the topic of one reading; false with the reason when the values make an invalid topic.</summary>
    public bool TryRender(string device, string type, string? key, string source, out string topic, out string? error)
    {
        if (_cache.TryGetValue((device, type, key, source), out topic!))
        {
            error = null;
            return true;
        }

        var builder = new StringBuilder(64);
        foreach (var segment in _segments)
        {
            var value = segment.Kind switch
            {
                SegmentKind.Device => device,
                SegmentKind.Type => type,
                SegmentKind.Key => key ?? "",
                SegmentKind.Source => source,
                _ => segment.Text!,
            };
            if (segment.Kind != SegmentKind.Literal && value.AsSpan().IndexOfAny('+', '#', '\0') >= 0)
            {
                topic = "";
                error = $"the {segment.Kind.ToString().ToLowerInvariant()} '{value}' contains an MQTT wildcard and cannot be part of topic template '{Text}'";
                return false;
            }

            builder.Append(value);
        }

        topic = builder.ToString();
        if (!AllowEmptyLevels && HasEmptyLevel(topic))
        {
            error = $"topic '{topic}' from template '{Text}' has an empty level (empty key or source?); set Hybrid:Mqtt:AllowEmptyLevels=true or change Hybrid:Mqtt:TopicTemplate";
            topic = "";
            return false;
        }

        if (_cache.Count >= CacheLimit)
        {
            _cache.Clear();
        }

        _cache[(device, type, key, source)] = topic;
        error = null;
        return true;
    }

    /// <summary>
    /// A subscription filter matching every topic this template can produce for <paramref name="device"/>
    /// (a level with <c>{type}</c> becomes <c>+</c>; from the first level with <c>{key}</c> or <c>{source}</c> on, which may
    /// contain '/', everything is <c>#</c>); used as the capture source's loop guard.
    /// </summary>
    public string ToFilter(string device)
    {
        var levels = new List<string>();
        var level = new StringBuilder();
        var wildcard = false;
        foreach (var segment in _segments)
        {
            if (segment.Kind == SegmentKind.Literal)
            {
                var parts = segment.Text!.Split('/');
                for (var i = 0; i < parts.Length; i++)
                {
                    if (i > 0)
                    {
                        levels.Add(wildcard ? "+" : level.ToString());
                        level.Clear();
                        wildcard = false;
                    }

                    level.Append(parts[i]);
                }
            }
            else if (segment.Kind == SegmentKind.Device)
            {
                level.Append(device);
            }
            else if (segment.Kind == SegmentKind.Type)
            {
                wildcard = true;
            }
            else
            {
                // {key} or {source} may contain '/' (a captured reading's key is its MQTT topic), so this level and
                // everything after it can be any depth.
                levels.Add("#");
                return string.Join('/', levels);
            }
        }

        levels.Add(wildcard ? "+" : level.ToString());
        return string.Join('/', levels);
    }

    private static bool HasEmptyLevel(string topic) =>
        topic.Length == 0 || topic[0] == '/' || topic[^1] == '/' || topic.Contains("//", StringComparison.Ordinal);

    private enum SegmentKind
    {
        Literal,
        Device,
        Type,
        Key,
        Source,
    }

    private readonly record struct Segment(SegmentKind Kind, string? Text);
}
