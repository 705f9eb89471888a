using Hybrid.Functions.Ingest;
using Microsoft.Extensions.Options;

namespace Hybrid.Functions.Storage;

/// <summary>
/// Dedupe state in an Azure Table: PartitionKey = device, RowKey = epoch, properties <c>Watermark</c> (Int64, for
/// people and older readers), <c>Ledger</c> (the <see cref="DeliveryLedger"/> as text), <c>ClaimId</c>,
/// <c>ClaimSeqs</c> (ranges as text), <c>ClaimExpires</c> (DateTime). The table is created on first use.
/// Entities written before ledgers existed (only <c>Watermark</c>, <c>ClaimThrough</c>) read as the same state.
/// </summary>
internal sealed class TableWatermarkStore : IWatermarkStore
{
    private readonly StorageTableClient _tables;
    private readonly ILogger<TableWatermarkStore> _logger;
    private readonly string _table;
    private volatile bool _tableReady;

    public TableWatermarkStore(StorageTableClient tables, IOptions<StorageOptions> options, ILogger<TableWatermarkStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _tables = tables;
        _logger = logger;
        _table = options.Value.WatermarkTable;
    }

    public async Task<WatermarkEntry?> GetAsync(string device, string epoch, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var entity = await _tables.GetEntityAsync(_table, device, epoch, cancellationToken).ConfigureAwait(false);
        if (entity is null)
        {
            return null;
        }

        var state = FromEntity(entity);
        return new WatermarkEntry(state, entity.ETag ?? throw new InvalidOperationException($"Table {_table} returned an entity without an ETag."));
    }

    public async Task<WriteResult> TryInsertAsync(string device, string epoch, WatermarkState state, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var entity = ToEntity(device, epoch, state);
        var result = await _tables.InsertEntityAsync(_table, entity, cancellationToken).ConfigureAwait(false);
        if (result.Outcome == TableWriteOutcome.NotFound)
        {
            // The table was deleted while we ran: create it again and insert once more.
            _tableReady = false;
            await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
            result = await _tables.InsertEntityAsync(_table, entity, cancellationToken).ConfigureAwait(false);
        }

        return result.Outcome switch
        {
            TableWriteOutcome.Success => new WriteResult(WriteOutcome.Success, result.ETag),
            TableWriteOutcome.Conflict => new WriteResult(WriteOutcome.Conflict, null),
            _ => throw new StorageRequestException($"InsertEntity {_table}", System.Net.HttpStatusCode.NotFound, "TableNotFound",
                $"Table {_table} does not exist even after creating it."),
        };
    }

    public async Task<WriteResult> TryReplaceAsync(string device, string epoch, WatermarkState state, string etag, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        var result = await _tables.ReplaceEntityAsync(_table, ToEntity(device, epoch, state), etag, cancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            TableWriteOutcome.Success => new WriteResult(WriteOutcome.Success, result.ETag),
            // An entity deleted since it was read is a changed entity too: the caller re-reads, as after a 412.
            TableWriteOutcome.PreconditionFailed or TableWriteOutcome.NotFound => new WriteResult(WriteOutcome.PreconditionFailed, null),
            _ => new WriteResult(WriteOutcome.Conflict, null),
        };
    }

    internal static TableEntity ToEntity(string device, string epoch, WatermarkState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var entity = new TableEntity(device, epoch)
            .Set("Watermark", state.Watermark)
            .Set("Ledger", state.Ledger.Format());
        if (state.ClaimId is not null)
        {
            entity.Set("ClaimId", state.ClaimId);
            entity.Set("ClaimSeqs", string.Join(',', state.ClaimSeqs));
        }

        if (state.ClaimExpires is { } expires)
        {
            entity.Set("ClaimExpires", expires);
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
                Log.LedgerUnreadable(_logger, _table, entity.PartitionKey, entity.RowKey, watermark);
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

        // Concurrent first calls may both create: the service answers the second with 409, which is fine.
        if (await _tables.CreateTableIfNotExistsAsync(_table, cancellationToken).ConfigureAwait(false))
        {
            Log.TableCreated(_logger, _table);
        }

        _tableReady = true;
    }
}
