using Hybrid.Contracts;
using Hybrid.Edge.Hosting;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Mqtt;

/// <summary>Rules of <see cref="MqttOptions"/> that span fields or need parsing: durations, template, rules, TLS files, capture.</summary>
internal sealed class MqttOptionsRulesValidator : IValidateOptions<MqttOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttOptions options)
    {
        var failures = new List<string>();
        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"Hybrid:Mqtt:Port ({options.Port}) must be 1 to 65535, e.g. 1883 (or 8883 with TLS).");
        }

        if (options.InflightWindow is < 1 or > 65535)
        {
            failures.Add($"Hybrid:Mqtt:InflightWindow ({options.InflightWindow}) must be 1 to 65535, e.g. 100.");
        }

        if (options.Qos is < 0 or > 2)
        {
            failures.Add($"Hybrid:Mqtt:Qos ({options.Qos}) must be 0, 1 or 2.");
        }

        DurationRule.Check(failures, "Hybrid:Mqtt:KeepAlive", options.KeepAlive, TimeSpan.FromSeconds(5), TimeSpan.FromHours(1), "00:00:30");
        DurationRule.Check(failures, "Hybrid:Mqtt:ReconnectMin", options.ReconnectMin, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1), "00:00:01");
        DurationRule.Check(failures, "Hybrid:Mqtt:ReconnectMax", options.ReconnectMax, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1), "00:01:00");
        DurationRule.Check(failures, "Hybrid:Mqtt:ConnectTimeout", options.ConnectTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), "00:00:10");
        DurationRule.Check(failures, "Hybrid:Mqtt:HealthInterval", options.HealthInterval, TimeSpan.Zero, TimeSpan.FromDays(1), "00:01:00 (00:00:00 turns it off)");
        if (options.ReconnectMax < options.ReconnectMin)
        {
            failures.Add($"Hybrid:Mqtt:ReconnectMax ({options.ReconnectMax}) must not be below Hybrid:Mqtt:ReconnectMin ({options.ReconnectMin}).");
        }

        if (!TopicTemplate.TryParse(options.TopicTemplate, options.AllowEmptyLevels, out _, out var templateError))
        {
            failures.Add(templateError!);
        }

        for (var i = 0; i < options.Rules.Count; i++)
        {
            var rule = options.Rules[i];
            if (!TypePattern.IsValid(rule.Type))
            {
                failures.Add($"Hybrid:Mqtt:Rules:{i}:Type '{rule.Type}' is not a type pattern; use a-z 0-9 . _ - and * such as alert.*.");
            }

            if (rule.Qos is < 0 or > 2)
            {
                failures.Add($"Hybrid:Mqtt:Rules:{i}:Qos must be 0, 1 or 2.");
            }
        }

        if (options.Username.Length == 0 && options.Password.Length > 0)
        {
            failures.Add("Hybrid:Mqtt:Password is set without Hybrid:Mqtt:Username; set both or neither.");
        }

        var tls = options.Tls;
        if (tls.Enabled)
        {
            CheckFile(failures, "Tls:CaFile", tls.CaFile);
            CheckFile(failures, "Tls:CertFile", tls.CertFile);
            CheckFile(failures, "Tls:KeyFile", tls.KeyFile);
            if (tls.CertFile.Length > 0 != tls.KeyFile.Length > 0)
            {
                failures.Add("Hybrid:Mqtt:Tls:CertFile and Hybrid:Mqtt:Tls:KeyFile go together; set both for a client certificate or neither.");
            }
        }

        var capture = options.Capture;
        if (capture.Enabled)
        {
            if (capture.Topics.Count == 0)
            {
                failures.Add("Hybrid:Mqtt:Capture:Topics is empty; list the topic filters to capture, e.g. zigbee2mqtt/#, or set Hybrid:Mqtt:Capture:Enabled=false.");
            }

            for (var i = 0; i < capture.Topics.Count; i++)
            {
                if (TopicFilter.Validate(capture.Topics[i]) is { } problem)
                {
                    failures.Add($"Hybrid:Mqtt:Capture:Topics:{i} '{capture.Topics[i]}' {problem}; use a valid MQTT filter such as sensors/+/state or zigbee2mqtt/#.");
                }
            }

            if (capture.Qos is < 0 or > 2)
            {
                failures.Add("Hybrid:Mqtt:Capture:Qos must be 0, 1 or 2.");
            }

            for (var i = 0; i < capture.TypeMap.Count; i++)
            {
                var map = capture.TypeMap[i];
                if (TopicFilter.Validate(map.Filter) is { } problem)
                {
                    failures.Add($"Hybrid:Mqtt:Capture:TypeMap:{i}:Filter '{map.Filter}' {problem}.");
                }

                if (!WireRules.IsValidType(map.Type))
                {
                    failures.Add($"Hybrid:Mqtt:Capture:TypeMap:{i}:Type '{map.Type}' must match [a-z0-9._-]{{1,128}}, e.g. telemetry.temperature.");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }


    private static void CheckFile(List<string> failures, string setting, string path)
    {
        if (path.Length > 0 && !File.Exists(path))
        {
            failures.Add($"Hybrid:Mqtt:{setting} '{path}' does not exist; give the path of a PEM file readable by the agent.");
        }
    }
}
