using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using Hybrid.Contracts;

namespace Hybrid.Functions.Ingest;

/// <summary>
/// Turns a body into an <see cref="IngestBatch"/> with <see cref="ContractJsonContext"/> (source-generated, depth
/// limit 64) and checks what is batch-wide: device, epoch, item count. A body that does not match the contract's
/// shape (wrong JSON type, missing required member, number out of range) is refused as a whole with the parser's
/// message, which names the JSON path; checks on values that parse are per item (<see cref="BatchValidator"/>).
/// </summary>
internal static class BatchParser
{
    public static (IngestBatch? Batch, IngestProblem? Problem) Parse(ReadOnlySpan<byte> body, int maxItems)
    {
        if (!Utf8.IsValid(body))
        {
            return (null, BadRequest("The body is not valid UTF-8; send UTF-8 encoded JSON."));
        }

        IngestBatch? batch;
        try
        {
            batch = JsonSerializer.Deserialize(body, ContractJsonContext.Default.IngestBatch);
        }
        catch (JsonException ex)
        {
            return (null, BadRequest($"The body is not a valid batch: {ReasonText.OneLine(ex.Message)}"));
        }

        if (batch is null)
        {
            return (null, BadRequest("The body is JSON null; send a batch {device, epoch, messages}."));
        }

        if (!WireRules.IsValidDevice(batch.Device))
        {
            return (null, BadRequest($"device '{ReasonText.Quote(batch.Device)}' must be 1-{WireRules.MaxDeviceLength} characters from A-Z a-z 0-9 . _ -"));
        }

        if (batch.Epoch is null || !EpochId.IsValid(batch.Epoch))
        {
            return (null, BadRequest($"epoch '{ReasonText.Quote(batch.Epoch)}' is not an epoch id (a ULID: 26 upper-case Crockford base-32 characters)."));
        }

        if (batch.SettledThrough < 0)
        {
            return (null, BadRequest(string.Create(CultureInfo.InvariantCulture, $"settledThrough {batch.SettledThrough} must be 0 or more (or absent).")));
        }

        if (batch.Messages is null)
        {
            return (null, BadRequest("messages must be an array of readings, got null."));
        }

        if (batch.Messages.Count > maxItems)
        {
            return (null, new IngestProblem(StatusCodes.Status413PayloadTooLarge, string.Create(CultureInfo.InvariantCulture,
                $"The batch has {batch.Messages.Count} items; at most {maxItems} are accepted per request (Hybrid:Ingest:MaxItems). Send smaller batches.")));
        }

        return (batch, null);
    }

    private static IngestProblem BadRequest(string reason) => new(StatusCodes.Status400BadRequest, reason);
}
