using System.Globalization;
using Hybrid.Functions.Ingest;

namespace Hybrid.UnitTests.Ingest;

/// <summary>Unit-test fake of the Table entity: ETags change on every write, writes are conditional like the real service.</summary>
internal sealed class InMemoryWatermarkStore : IWatermarkStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string, string), WatermarkEntry> _entities = [];
    private int _version;

    /// <summary>When set, every call throws <see cref="StorageUnavailableException"/>.</summary>
    public bool Down { get; set; }

    public int Writes { get; private set; }

    /// <summary>
    /// When set, the next write is stored but answered as its retry would be (insert → Conflict, replace →
    /// PreconditionFailed): the first attempt's response was lost and the storage client tried again.
    /// </summary>
    public bool LoseNextWriteAnswer { get; set; }

    public int Reads { get; private set; }

    public WatermarkState? this[string device, string epoch]
    {
        get
        {
            lock (_lock)
            {
                return _entities.TryGetValue((device, epoch), out var entry) ? entry.State : null;
            }
        }
    }

    public Task<WatermarkEntry?> GetAsync(string device, string epoch, CancellationToken cancellationToken)
    {
        ThrowIfDown();
        lock (_lock)
        {
            Reads++;
            return Task.FromResult(_entities.TryGetValue((device, epoch), out var entry) ? entry : null);
        }
    }

    public Task<WriteResult> TryInsertAsync(string device, string epoch, WatermarkState state, CancellationToken cancellationToken)
    {
        ThrowIfDown();
        lock (_lock)
        {
            if (_entities.ContainsKey((device, epoch)))
            {
                return Task.FromResult(new WriteResult(WriteOutcome.Conflict, null));
            }

            return Task.FromResult(Answer(Write(device, epoch, state), WriteOutcome.Conflict));
        }
    }

    public Task<WriteResult> TryReplaceAsync(string device, string epoch, WatermarkState state, string etag, CancellationToken cancellationToken)
    {
        ThrowIfDown();
        lock (_lock)
        {
            if (!_entities.TryGetValue((device, epoch), out var entry) || entry.ETag != etag)
            {
                return Task.FromResult(new WriteResult(WriteOutcome.PreconditionFailed, null));
            }

            return Task.FromResult(Answer(Write(device, epoch, state), WriteOutcome.PreconditionFailed));
        }
    }

    private WriteResult Answer(WriteResult result, WriteOutcome retryOutcome)
    {
        if (!LoseNextWriteAnswer)
        {
            return result;
        }

        LoseNextWriteAnswer = false;
        return new WriteResult(retryOutcome, null);
    }

    private WriteResult Write(string device, string epoch, WatermarkState state)
    {
        var etag = "W/\"" + (++_version).ToString(CultureInfo.InvariantCulture) + "\"";
        _entities[(device, epoch)] = new WatermarkEntry(state, etag);
        Writes++;
        return new WriteResult(WriteOutcome.Success, etag);
    }

    private void ThrowIfDown()
    {
        if (Down)
        {
            throw new StorageUnavailableException("table down (test)");
        }
    }
}
