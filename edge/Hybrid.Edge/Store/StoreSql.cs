namespace Hybrid.Edge.Store;

/// <summary>
/// Every statement the store runs against the tables of <see cref="StoreSchema"/>, kept beside it so a schema
/// change and the SQL that depends on it are read and changed together.
/// </summary>
internal static class StoreSql
{
    /// <summary>Appends one reading to a lane's log.</summary>
    public static string Insert(Lane lane) =>
        $"INSERT INTO {StoreSchema.LogTable(lane)} (seq, type, ts, source, key, payload) VALUES ($seq, $type, $ts, $source, $key, $payload)";

    /// <summary>The highest seq a lane ever used, kept so deleting every row never lets a seq be reused.</summary>
    public const string UpdateLastSeq = "UPDATE lanes SET last_seq = $seq WHERE lane = $lane";

    /// <summary>A lane's rows from the first one on, oldest first: seq, ts, bytes (for prefix deletion).</summary>
    public static string ScanOldest(Lane lane) =>
        $"SELECT seq, ts, {StoreSchema.RowBytesSql} FROM {StoreSchema.LogTable(lane)} WHERE seq >= $first ORDER BY seq";

    /// <summary>Deletes a lane's prefix through <c>$through</c>.</summary>
    public static string DeletePrefix(Lane lane) => $"DELETE FROM {StoreSchema.LogTable(lane)} WHERE seq <= $through";

    /// <summary>The bytes of a lane's prefix through <c>$through</c>.</summary>
    public static string PrefixBytes(Lane lane) =>
        $"SELECT coalesce(sum({StoreSchema.RowBytesSql}), 0) FROM {StoreSchema.LogTable(lane)} WHERE seq <= $through";

    /// <summary>A lane's state at open: last seq ever used, first and last seq held, and bytes held.</summary>
    public static string LoadLane(Lane lane) =>
        $"SELECT (SELECT last_seq FROM lanes WHERE lane = $lane), min(seq), max(seq), coalesce(sum({StoreSchema.RowBytesSql}), 0) FROM {StoreSchema.LogTable(lane)}";

    /// <summary>A sink's read: readings after <c>$after</c> up to the published head, in seq order.</summary>
    public static string ReadAfter(Lane lane) =>
        $"SELECT seq, type, ts, source, key, payload FROM {StoreSchema.LogTable(lane)} WHERE seq > $after AND seq <= $head ORDER BY seq LIMIT $limit";

    /// <summary>A sink's saved cursors.</summary>
    public const string LoadCursors = "SELECT lane, seq FROM cursors WHERE sink = $sink";

    /// <summary>Moves a sink's cursor forward (never backwards).</summary>
    public const string AdvanceCursor =
        "INSERT INTO cursors (sink, lane, seq) VALUES ($sink, $lane, $seq) ON CONFLICT (sink, lane) DO UPDATE SET seq = max(seq, excluded.seq)";

    /// <summary>
    /// Records a dead letter with a copy of the reading (retention may delete the log row once cursors pass it).
    /// Idempotent per (sink, lane, seq): a sink records dead letters and then moves its cursor in a second
    /// transaction, so after a crash between the two it rejects the same readings again.
    /// </summary>
    public static string DeadLetter(Lane lane) => $"""
        INSERT INTO dead_letters (sink, lane, seq, reason, at, type, ts, source, key, payload)
        SELECT $sink, $lane, $seq, $reason, $at, l.type, l.ts, l.source, l.key, l.payload
        FROM (SELECT 1) LEFT JOIN {StoreSchema.LogTable(lane)} l ON l.seq = $seq
        WHERE NOT EXISTS (SELECT 1 FROM dead_letters d WHERE d.sink = $sink AND d.lane = $lane AND d.seq = $seq)
        """;

    /// <summary>Per lane the ts of the oldest reading after a sink's cursor, and the sink's dead-letter count.</summary>
    public static readonly string SinkStats = $"""
        SELECT (SELECT ts FROM {StoreSchema.LogTable(Lane.High)} WHERE seq > $high ORDER BY seq LIMIT 1),
               (SELECT ts FROM {StoreSchema.LogTable(Lane.Normal)} WHERE seq > $normal ORDER BY seq LIMIT 1),
               (SELECT count(*) FROM dead_letters WHERE sink = $sink);
        """;

    /// <summary>The drop counters saved with the store.</summary>
    public const string LoadDrops = "SELECT reason, count FROM drops";

    /// <summary>Saves one drop counter's total.</summary>
    public const string SaveDrop = "INSERT INTO drops (reason, count) VALUES ($reason, $count) ON CONFLICT (reason) DO UPDATE SET count = excluded.count";

    /// <summary>For <c>status</c> from the file: every sink that ever saved a cursor, with its cursor per lane.</summary>
    public const string AllCursors = "SELECT sink, lane, seq FROM cursors ORDER BY sink, lane";

    /// <summary>For <c>status</c> from the file: dead letters per sink.</summary>
    public const string DeadLettersPerSink = "SELECT sink, count(*) FROM dead_letters GROUP BY sink";

    /// <summary>The ts of the first reading of a lane after <c>$after</c>.</summary>
    public static string FirstTsAfter(Lane lane) => $"SELECT ts FROM {StoreSchema.LogTable(lane)} WHERE seq > $after ORDER BY seq LIMIT 1";

    /// <summary>The <c>deadletter</c> commands' filter: each parameter may be null (matches everything).</summary>
    private const string DeadLetterFilter = """
        ($sink IS NULL OR sink = $sink) AND ($lane IS NULL OR lane = $lane) AND ($reason IS NULL OR instr(reason, $reason) > 0)
          AND ($from IS NULL OR seq >= $from) AND ($to IS NULL OR seq <= $to)
        """;

    /// <summary>Dead letters matching the filter, oldest first; <paramref name="retryColumn"/> is <c>retry</c>, or <c>0</c> on a file from before v3.</summary>
    public static string ListDeadLetters(string retryColumn) => $"""
        SELECT id, sink, lane, seq, reason, at, type, ts, source, key, length(payload), {retryColumn} FROM dead_letters
        WHERE {DeadLetterFilter}
        ORDER BY id
        """;

    /// <summary>Deletes the dead letters matching the filter.</summary>
    public const string PurgeDeadLetters = $"DELETE FROM dead_letters WHERE {DeadLetterFilter}";

    /// <summary>Marks the dead letters matching the filter that hold a copy of their reading for retry.</summary>
    public const string RequestRetry = $"UPDATE dead_letters SET retry = 1 WHERE retry = 0 AND payload IS NOT NULL AND {DeadLetterFilter}";

    /// <summary>Dead letters matching the filter that cannot be retried: the log row was gone when they were recorded.</summary>
    public const string CountUnretriable = $"SELECT count(*) FROM dead_letters WHERE payload IS NULL AND {DeadLetterFilter}";

    /// <summary>A sink's dead letters marked for retry, high lane first, each lane in seq order.</summary>
    public const string ReadRetries = """
        SELECT id, lane, seq, type, ts, source, key, payload FROM dead_letters
        WHERE sink = $sink AND retry = 1 ORDER BY lane, seq LIMIT $limit
        """;

    /// <summary>A retried dead letter was delivered: it is one no more.</summary>
    public const string CompleteRetry = "DELETE FROM dead_letters WHERE id = $id";

    /// <summary>A retried dead letter was refused again: it stays, with the new reason and time, no longer marked.</summary>
    public const string FailRetry = "UPDATE dead_letters SET retry = 0, reason = $reason, at = $at WHERE id = $id";
}
