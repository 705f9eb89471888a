using Microsoft.Data.Sqlite;

namespace Hybrid.Edge.Store;

/// <summary>
/// The drop counters saved with the store (table <c>drops</c>, one total per reason), so they survive a restart and
/// <c>status</c> read from the file is true: loaded into the run's counters at open, then written by each of the
/// writer's transactions in which a total changed.
/// </summary>
internal sealed class SavedDrops : IDisposable
{
    private readonly StoreCounters _counters;
    private readonly SqliteCommand _save;
    private readonly long[] _saved;
    private readonly long[] _saving;

    /// <summary>Prepares the save on the writer's <paramref name="connection"/>; <paramref name="saved"/> are the totals the file holds, by reason.</summary>
    public SavedDrops(SqliteConnection connection, StoreCounters counters, IReadOnlyList<long> saved)
    {
        _counters = counters;
        _saved = [.. saved];
        _saving = [.. saved];
        _save = connection.CreateCommand();
        _save.CommandText = StoreSql.SaveDrop;
        _save.Parameters.Add("$reason", SqliteType.Text);
        _save.Parameters.Add("$count", SqliteType.Integer);
    }

    /// <summary>Adds the totals earlier runs saved to <paramref name="counters"/>; returns them by reason.</summary>
    public static long[] Load(SqliteConnection connection, StoreCounters counters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(counters);
        var saved = new long[Enum.GetValues<DropReason>().Length];
        using var command = connection.CreateCommand();
        command.CommandText = StoreSql.LoadDrops;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var name = reader.GetString(0);
            foreach (var reason in Enum.GetValues<DropReason>())
            {
                if (StoreStatsFormatter.ReasonName(reason) == name)
                {
                    saved[(int)reason] = reader.GetInt64(1);
                    counters.AddDropped(reason, saved[(int)reason]);
                }
            }
        }

        return saved;
    }

    /// <summary>
    /// Writes, in <paramref name="transaction"/>, each total that changed: the drops counted so far (capture's since the
    /// last commit included) plus <paramref name="pending"/>, this transaction's own by reason.
    /// </summary>
    public void Save(SqliteTransaction transaction, long[] pending)
    {
        _save.Transaction = transaction;
        for (var r = 0; r < _saved.Length; r++)
        {
            var total = _saving[r] = _counters.Dropped((DropReason)r) + pending[r];
            if (total != _saved[r])
            {
                _save.Parameters[0].Value = StoreStatsFormatter.ReasonName((DropReason)r);
                _save.Parameters[1].Value = total;
                _save.ExecuteNonQuery();
            }
        }
    }

    /// <summary>After the transaction of the last <see cref="Save"/> committed: the totals it wrote are the file's.</summary>
    public void Committed() => Array.Copy(_saving, _saved, _saved.Length);

    public void Dispose() => _save.Dispose();
}
