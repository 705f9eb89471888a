using System.Globalization;
using System.Text.RegularExpressions;
using Hybrid.Testing;
using Microsoft.Data.Sqlite;

namespace Hybrid.IntegrationTests.Store;

/// <summary>
/// The real store writer in a child process, killed with SIGKILL at random moments over many runs on one file;
/// an independent reader then checks that every reading the child saw committed is there exactly once and that
/// seqs kept increasing across the crashes.
/// </summary>
public sealed partial class StoreCrashTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private const int Iterations = 20;

    private static string Writer => Path.Combine(RepositoryPaths.Root, "tests", "Hybrid.StoreCrashWriter", "bin", Configuration, "net10.0", "hybrid-store-crash-writer");

    [Theory]
    [InlineData("Normal")]
    [InlineData("Full")]
    public async Task Writer_KilledWithSigkillRepeatedly_KeepsEveryAcknowledgedReadingExactlyOnce(string synchronous)
    {
        using var dir = new TempDirectory("store-crash");
        var random = new Random();
        var acknowledged = new List<long>();
        var iterationsWithAcks = 0;
        for (var iteration = 1; iteration <= Iterations; iteration++)
        {
            // Ids of run N start at N * 10^7, so a re-used seq or a reading written twice cannot hide.
            var firstId = iteration * 10_000_000L;
            await using var child = ChildProcess.Start(Writer, [dir.Path, firstId.ToString(CultureInfo.InvariantCulture), synchronous]);
            await child.WaitForOutputAsync("ready", TimeSpan.FromSeconds(30));

            // Kill anywhere between "just opened" and "mid-stream": 0-400 ms after the first acknowledgement.
            await child.WaitForOutputAsync("ack ", TimeSpan.FromSeconds(30));
            await Task.Delay(random.Next(0, 400));
            child.Signal(9);
            var exitCode = await child.WaitForExitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(137, exitCode);

            var before = acknowledged.Count;
            foreach (Match ack in AckLine().Matches(child.Output))
            {
                var (first, last) = (long.Parse(ack.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(ack.Groups[2].Value, CultureInfo.InvariantCulture));
                for (var id = first; id <= last; id++)
                {
                    acknowledged.Add(id);
                }
            }

            iterationsWithAcks += acknowledged.Count > before ? 1 : 0;
        }

        Assert.Equal(Iterations, iterationsWithAcks);

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(dir.Path, "store.db"), Pooling = false }.ToString());
        connection.Open();
        Assert.Equal("ok", Scalar(connection, "PRAGMA integrity_check"));
        var stored = new Dictionary<long, int>();
        foreach (var table in (string[])["log_high", "log_normal"])
        {
            var rows = Rows(connection, table);
            Assert.NotEmpty(rows);

            // Strictly increasing seq (the table's key) with strictly increasing ids: after every crash the next run
            // continued the lane's seq instead of reusing one, and no reading landed out of order.
            for (var i = 1; i < rows.Count; i++)
            {
                Assert.True(rows[i].Seq > rows[i - 1].Seq && rows[i].Id > rows[i - 1].Id, $"{table}: seq {rows[i - 1].Seq}/id {rows[i - 1].Id} then seq {rows[i].Seq}/id {rows[i].Id}");
            }

            foreach (var row in rows)
            {
                Assert.Equal(table == "log_high", row.Id % 7 == 0);
                stored[row.Id] = stored.GetValueOrDefault(row.Id) + 1;
            }
        }

        Assert.All(stored, s => Assert.Equal(1, s.Value));
        var missing = acknowledged.Where(id => !stored.ContainsKey(id)).Take(10).ToList();
        Assert.True(missing.Count == 0, $"{acknowledged.Count} acknowledged, missing e.g. {string.Join(", ", missing)}");
    }

    private static List<(long Seq, long Id)> Rows(SqliteConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT seq, key FROM {table} ORDER BY seq";
        using var reader = command.ExecuteReader();
        var rows = new List<(long, long)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), long.Parse(reader.GetString(1), CultureInfo.InvariantCulture)));
        }

        return rows;
    }

    private static string? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar()?.ToString();
    }

    // The trailing " ." proves the line was printed whole before the kill.
    [GeneratedRegex(@"^ack (\d+) (\d+) \.$", RegexOptions.Multiline)]
    private static partial Regex AckLine();
}
