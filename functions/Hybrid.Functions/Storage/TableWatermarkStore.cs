using Azure;
using Azure.Data.Tables;
using Hybrid.Functions.Ingest;
using Microsoft.Extensions.Options;

namespace Hybrid.Functions.Storage;

/// <summary>
/// Dedupe state in an Azure Table: PartitionKey = device, RowKey = epoch, properties <c>Watermark</c> (Int64, for
/// people and older readers), <c>Ledger</c> (the <see cref="DeliveryLedger"/> as text), <c>ClaimId</c>,
/// <c>ClaimSeqs</c> (ranges as text), <c>ClaimExpires</c> (DateTime). Entities written before ledgers existed (only
/// <c>Watermark</c>, <c>ClaimThrough</c>) read as the same state. Writes are conditional: an insert that finds the
/// entity (409) and a replace whose ETag is stale (412) are values. The table is created on first use.
/// </summary>
internal sealed class TableWatermarkStore : IWatermarkStore
{
    private readonly StorageAccountClients _clients;
    private readonly TableClient _table;
    private readonly ILogger<TableWatermarkStore> _logger;
    private volatile bool _tableReady;

    public TableWatermarkStore(StorageAccountClients clients, IOptions<StorageOptions> options, ILogger<TableWatermarkStore> logger)
    {
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(options);
        _clients = clients;
        _table = clients.Tables.GetTableClient(options.Value.WatermarkTable);
        _logger = logger;
    }

    public async Task<WatermarkEntry?> GetAsync(string device, string epoch, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await _table.GetEntityIfExistsAsync<TableEntity>(device, epoch, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!response.HasValue)
            {
                return null;
            }

            var entity = response.Value!;
            return new WatermarkEntry(FromEntity(entity), entity.ETag.ToString());
        }
        catch (Exception ex) when (StorageErrors.Classify(ex) is not null)
        {
            throw _clients.Fail($"GetEntity {_table.Name}", ex);
        }
    }

    public async Task<WriteResult> TryInsertAsync(string device, string epoch, WatermarkState state, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var entity = ToEntity(device, epoch, state);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var response = await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
                return new WriteResult(WriteOutcome.Success, response.Headers.ETag?.ToString());
            }
            catch (Exception ex) when (StorageErrors.Classify(ex) == StorageFailure.Conflict)
            {
                return new WriteResult(WriteOutcome.Conflict, null);
            }
            catch (Exception ex) when (attempt == 0 && StorageErrors.Classify(ex) == StorageFailure.NotFound)
            {
                // The table was deleted while we ran: create it again and insert once more.
                _tableReady = false;
                await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (StorageErrors.Classify(ex) is not null)
            {
                throw _clients.Fail($"InsertEntity {_table.Name}", ex);
            }
        }
    }

    public async Task<WriteResult> TryReplaceAsync(string device, string epoch, WatermarkState state, string etag, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        try
        {
            var response = await _table.UpdateEntityAsync(ToEntity(device, epoch, state), new ETag(etag), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return new WriteResult(WriteOutcome.Success, response.Headers.ETag?.ToString());
        }
        catch (Exception ex) when (StorageErrors.Classify(ex) is StorageFailure.PreconditionFailed or StorageFailure.NotFound)
        {
            // An entity deleted since it was read is a changed entity too: the caller re-reads, as after a 412.
            return new WriteResult(WriteOutcome.PreconditionFailed, null);
        }
        catch (Exception ex) when (StorageErrors.Classify(ex) == StorageFailure.Conflict)
        {
            return new WriteResult(WriteOutcome.Conflict, null);
        }
        catch (Exception ex) when (StorageErrors.Classify(ex) is not null)
        {
            throw _clients.Fail($"ReplaceEntity {_table.Name}", ex);
        }
    }

    internal static TableEntity ToEntity(string device, string epoch, WatermarkState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var entity = new TableEntity(device, epoch)
        {
            ["Watermark"] = state.Watermark,
            ["Ledger"] = state.Ledger.Format(),
        };
        if (state.ClaimId is not null)
        {
            entity["ClaimId"] = state.ClaimId;
            entity["ClaimSeqs"] = string.Join(',', state.ClaimSeqs);
        }

        if (state.ClaimExpires is { } expires)
        {
            entity["ClaimExpires"] = expires;
        }

        return entity;
    }

    private WatermarkState FromEntity(TableEntity entity)
    {
        var watermark = entity.GetInt64("Watermark") ?? 0;
        var ledgerText = entity.GetString("Ledger");
        if (!DeliveryLedger.TryParse(ledgerText, out var ledger))
        {
            if (ledgerText is not null)
            {
                // Lose the ranges, never a seq: their seqs may be enqueued again (duplicates), none is called one wrongly.
                Log.LedgerUnreadable(_logger, _table.Name, entity.PartitionKey, entity.RowKey, watermark);
            }

            ledger = DeliveryLedger.Through(watermark);
        }

        var claimId = entity.GetString("ClaimId");
        IReadOnlyList<SeqRange> claimSeqs = [];
        if (claimId is not null)
        {
            claimSeqs = SeqRange.TryParseList(entity.GetString("ClaimSeqs") ?? "", 1, out var ranges) && ranges.Length > 0 ? ranges
                : entity.GetInt64("ClaimThrough") is { } through && through > ledger.Watermark ? [new SeqRange(ledger.Watermark + 1, through)]
                : [];
        }

        return new WatermarkState(ledger, claimId, claimSeqs, entity.GetDateTimeOffset("ClaimExpires"));
    }

    private async ValueTask EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (_tableReady)
        {
            return;
        }

        try
        {
            // Concurrent first calls may both create: the SDK answers the second's 409 as "exists", which is fine.
            if (await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false) is { } created && created.GetRawResponse().Status is 201 or 204)
            {
                Log.TableCreated(_logger, _table.Name);
            }
        }
        catch (Exception ex) when (StorageErrors.Classify(ex) is not null)
        {
            throw _clients.Fail($"CreateTable {_table.Name}", ex);
        }

        _tableReady = true;
    }
}
