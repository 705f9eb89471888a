using System.Globalization;
using System.Runtime.InteropServices;
using Hybrid.Contracts;

namespace Hybrid.Functions.Ingest;

/// <summary>Per-item rules of SPEC "Validation"; a bad item is rejected on its own and never sinks its batch.</summary>
internal sealed class BatchValidator(TimeSpan maxTimestampAge, TimeSpan maxTimestampLead)
{
    /// <summary>Longest <c>source</c> accepted (keeps every valid item inside one queue message).</summary>
    public const int MaxSourceLength = 128;

    /// <summary>Longest <c>key</c> accepted (keeps every valid item inside one queue message).</summary>
    public const int MaxKeyLength = 256;

    public CheckedItem[] Check(IReadOnlyList<WireReading> messages, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var result = new CheckedItem[messages.Count];
        var highest = 0L;
        for (var i = 0; i < messages.Count; i++)
        {
            var item = messages[i];
            if (item is null)
            {
                result[i] = new CheckedItem(null, 0, "The item is null; send a reading object.", false);
                continue;
            }

            if (item.Seq <= 0)
            {
                result[i] = new CheckedItem(item, item.Seq, Invariant($"seq must be > 0, got {item.Seq}."), false);
                continue;
            }

            if (item.Seq <= highest)
            {
                result[i] = new CheckedItem(item, item.Seq, Invariant($"seq {item.Seq} is not above the previous seq {highest} of the batch; seqs must ascend."), false);
                continue;
            }

            highest = item.Seq;
            result[i] = new CheckedItem(item, item.Seq, CheckFields(item, now), true);
        }

        return result;
    }

    private string? CheckFields(WireReading item, DateTimeOffset now)
    {
        if (!WireRules.IsValidType(item.Type))
        {
            return $"type '{ReasonText.Quote(item.Type)}' must be 1-{WireRules.MaxTypeLength} characters from a-z 0-9 . _ -";
        }

        if (item.Ts < now - maxTimestampAge)
        {
            return Invariant($"ts {item.Ts:O} is more than {maxTimestampAge} before the Function's clock ({now:O}) (Hybrid:Ingest:MaxTimestampAge).");
        }

        if (item.Ts > now + maxTimestampLead)
        {
            return Invariant($"ts {item.Ts:O} is more than {maxTimestampLead} after the Function's clock ({now:O}); check the device clock (Hybrid:Ingest:MaxTimestampLead).");
        }

        if (string.IsNullOrEmpty(item.Source) || item.Source.Length > MaxSourceLength)
        {
            return Invariant($"source must be 1-{MaxSourceLength} characters, got {item.Source?.Length ?? 0}.");
        }

        if (item.Key is { Length: > MaxKeyLength })
        {
            return Invariant($"key must be at most {MaxKeyLength} characters, got {item.Key.Length}.");
        }

        var payloadBytes = PayloadBytes(item);
        if (payloadBytes > WireRules.MaxPayloadBytes)
        {
            return Invariant($"payload is {payloadBytes} bytes; at most {WireRules.MaxPayloadBytes} are accepted.");
        }

        return null;
    }

    /// <summary>The payload's size as sent (its raw JSON), which is what a queue message will carry.</summary>
    public static int PayloadBytes(WireReading item) =>
        item.Payload.ValueKind == System.Text.Json.JsonValueKind.Undefined ? 0 : JsonMarshal.GetRawUtf8Value(item.Payload).Length;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
