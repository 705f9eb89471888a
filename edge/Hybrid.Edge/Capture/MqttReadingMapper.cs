using System.Buffers;
using System.Text;
using System.Text.Json;
using Hybrid.Contracts;
using Hybrid.Edge.Mqtt;
using Hybrid.Edge.Store;

namespace Hybrid.Edge.Capture;

/// <summary>
/// Turns a received MQTT message into a reading: type from the first matching topic→type mapping (else
/// <c>mqtt.{levels}</c>), key = topic, JSON payloads kept verbatim, other UTF-8 text as a JSON string, binary as
/// <c>{"encoding":"base64","data":"…"}</c>. Topics the agent publishes itself are refused (loop guard).
/// </summary>
internal sealed class MqttReadingMapper(IReadOnlyList<MqttTypeMapping> typeMap, IReadOnlyList<string> ownTopicFilters, TimeProvider time)
{
    public const string Source = "mqtt";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>False when the message is one of the agent's own publications.</summary>
    public bool TryMap(MqttMessage message, out CaptureReading reading)
    {
        foreach (var own in ownTopicFilters)
        {
            if (TopicFilter.Matches(own, message.Topic))
            {
                reading = null!;
                return false;
            }
        }

        reading = new CaptureReading(TypeOf(message.Topic), time.GetUtcNow(), Source, message.Topic, PayloadOf(message.Payload));
        return true;
    }

    public string TypeOf(string topic)
    {
        foreach (var map in typeMap)
        {
            if (TopicFilter.Matches(map.Filter, topic))
            {
                return map.Type;
            }
        }

        // Default: "mqtt." + the topic's levels joined by '.', reduced to the wire contract's type alphabet.
        var builder = new StringBuilder("mqtt.", Math.Min(topic.Length + 5, WireRules.MaxTypeLength));
        foreach (var c in topic)
        {
            if (builder.Length == WireRules.MaxTypeLength)
            {
                break;
            }

            builder.Append(c switch
            {
                '/' => '.',
                _ when char.IsAsciiLetterUpper(c) => char.ToLowerInvariant(c),
                _ when char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-' => c,
                _ => '-',
            });
        }

        return builder.ToString();
    }

    public static ReadOnlyMemory<byte> PayloadOf(byte[] payload)
    {
        if (payload.Length > 0 && IsJson(payload))
        {
            return payload;
        }

        var buffer = new ArrayBufferWriter<byte>(payload.Length + 32);
        using (var json = new Utf8JsonWriter(buffer))
        {
            string? text;
            try
            {
                text = StrictUtf8.GetString(payload);
            }
            catch (DecoderFallbackException)
            {
                text = null;
            }

            if (text is not null)
            {
                json.WriteStringValue(text);
            }
            else
            {
                json.WriteStartObject();
                json.WriteString("encoding"u8, "base64");
                json.WriteBase64String("data"u8, payload);
                json.WriteEndObject();
            }
        }

        return buffer.WrittenMemory;
    }

    private static bool IsJson(byte[] payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read())
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
