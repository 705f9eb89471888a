using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Hybrid.QueueReader.Messages;

/// <summary>
/// Decodes the ingest Function's queue messages (format version 1): base64 text on the queue (what the Functions
/// queue trigger expects) holding one UTF-8 JSON object
/// <c>{"v":1,"device":"…","epoch":"…","items":[{"seq":1,"type":"…","ts":"…","source":"…","key":"…","payload":{…}}]}</c>.
/// Raw JSON bodies (no base64) are accepted too.
/// </summary>
internal static class QueueMessageDecoder
{
    public const int SupportedVersion = 1;

    /// <summary>Appends the items of <paramref name="body"/> to <paramref name="items"/>; false with the reason when it is not a v1 message.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> body, List<QueueItem> items, out string? error)
    {
        ArgumentNullException.ThrowIfNull(items);
        byte[]? rented = null;
        try
        {
            var json = body;
            if (body.Length > 0 && body[0] != (byte)'{')
            {
                rented = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(body.Length));
                if (Base64.DecodeFromUtf8(body, rented, out _, out var written) != OperationStatus.Done)
                {
                    error = "the body is neither base64 nor a JSON object";
                    return false;
                }

                json = rented.AsSpan(0, written);
            }

            return TryParse(json, items, out error);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static bool TryParse(ReadOnlySpan<byte> json, List<QueueItem> items, out string? error)
    {
        var reader = new Utf8JsonReader(json);
        if (!JsonDocument.TryParseValue(ref reader, out var document))
        {
            error = "the body is not JSON";
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "the body is not a JSON object";
                return false;
            }

            if (!root.TryGetProperty("v", out var version) || !version.TryGetInt32(out var v) || v != SupportedVersion)
            {
                error = $"not a version {SupportedVersion} message (\"v\" is missing or different)";
                return false;
            }

            if (String(root, "device") is not { } device || String(root, "epoch") is not { } epoch
                || !root.TryGetProperty("items", out var array) || array.ValueKind != JsonValueKind.Array)
            {
                error = "\"device\", \"epoch\" or \"items\" is missing";
                return false;
            }

            var first = items.Count;
            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("seq", out var seq) || !seq.TryGetInt64(out var seqValue))
                {
                    items.RemoveRange(first, items.Count - first);
                    error = "an item has no integer \"seq\"";
                    return false;
                }

                items.Add(new QueueItem(
                    device,
                    epoch,
                    seqValue,
                    String(item, "type"),
                    String(item, "ts"),
                    String(item, "source"),
                    String(item, "key"),
                    item.TryGetProperty("payload", out var payload) ? payload.GetRawText() : null,
                    item.TryGetProperty("payloadBytes", out var bytes) && bytes.TryGetInt64(out var count) ? count : null,
                    String(item, "reason")));
            }

            error = null;
            return true;
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
