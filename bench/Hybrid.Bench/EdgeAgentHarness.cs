using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Hybrid.Edge.Store;
using Hybrid.Testing;
using Microsoft.Data.Sqlite;

namespace Hybrid.Bench;

/// <summary>
/// The real edge agent (<c>hybrid-edge run</c>) as a child process for benches: the native AOT publish, config files,
/// and read-only queries on its store beside it (WAL lets them read while the agent writes).
/// </summary>
internal static class EdgeAgentHarness
{
    /// <summary>The device id of every bench agent.</summary>
    public const string DeviceId = "bench";

    /// <summary>Publishes the agent with native AOT (as <c>./hybrid publish-edge</c> does) and returns the executable.</summary>
    public static async Task<string> PublishAotAsync(CancellationToken cancellationToken)
    {
        var output = Path.Combine(RepositoryPaths.Root, "bench", "Hybrid.Bench", "bin", "agent-aot");
        var project = Path.Combine(RepositoryPaths.Root, "edge", "Hybrid.Edge");
        Console.WriteLine($"publishing the agent with native AOT to {output} ...");
        await using var publish = ChildProcess.Start("dotnet", ["publish", project, "-c", "Release", "--use-current-runtime", "-p:PublishAot=true", "-o", output]);
        if (await publish.WaitForExitAsync(TimeSpan.FromMinutes(10)) != 0)
        {
            throw new InvalidOperationException($"native AOT publish failed:\n{publish.Output}");
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Path.Combine(output, "hybrid-edge");
    }

    /// <summary>The agent's data directory inside <paramref name="dir"/>.</summary>
    public static string DataDirectory(TempDirectory dir) => dir.File("data");

    /// <summary>
    /// Writes a config file whose <c>Hybrid</c> section is <paramref name="hybrid"/> plus the bench's <c>Agent</c>
    /// section (device id, data directory in <paramref name="dir"/>); returns its path.
    /// </summary>
    public static string WriteConfig(TempDirectory dir, string name, JsonObject hybrid)
    {
        hybrid["Agent"] = new JsonObject { ["DeviceId"] = DeviceId, ["DataDirectory"] = DataDirectory(dir) };
        var path = dir.File(name);
        File.WriteAllText(path, new JsonObject { ["Hybrid"] = hybrid }.ToJsonString());
        return path;
    }

    /// <summary>The <c>Capture</c> section: <paramref name="sensors"/> simulated temperature sensors every <paramref name="interval"/> (none: capture off).</summary>
    public static JsonObject SimulatedCapture(int sensors, TimeSpan interval)
    {
        var sensorList = new JsonArray();
        for (var i = 0; i < sensors; i++)
        {
            sensorList.Add(new JsonObject { ["Key"] = $"s{i:D4}", ["Type"] = "telemetry.temperature", ["Unit"] = "C", ["Min"] = 10, ["Max"] = 30 });
        }

        return new JsonObject
        {
            ["Simulated"] = new JsonObject { ["Enabled"] = sensors > 0, ["Interval"] = interval.ToString("c", CultureInfo.InvariantCulture), ["Sensors"] = sensorList },
        };
    }

    /// <summary>Waits until the agent has committed its first reading.</summary>
    public static async Task WaitForStoreAsync(TempDirectory dir, ChildProcess process, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (!HasReadings(dir))
        {
            if (process.HasExited || watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException($"the agent did not start capturing:\n{process.Output}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Polls until <paramref name="sink"/>'s durable cursor of the normal lane reaches <paramref name="head"/>; throws if the agent exits or 10 minutes pass first.</summary>
    public static async Task WaitForCursorAsync(TempDirectory dir, string sink, long head, ChildProcess process, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var cursor = Cursor(dir, sink);
        while (cursor < head)
        {
            if (process.HasExited || watch.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new InvalidOperationException($"drain stopped at cursor {cursor:N0} of {head:N0}:\n{process.Output}");
            }

            await Task.Delay(100, cancellationToken);
            cursor = Cursor(dir, sink);
        }
    }

    /// <summary>Stops the agent with SIGTERM and expects a clean exit.</summary>
    public static async Task StopAsync(ChildProcess process)
    {
        process.Signal(15);
        if (await process.WaitForExitAsync(TimeSpan.FromSeconds(30)) != 0)
        {
            throw new InvalidOperationException($"the agent did not stop cleanly:\n{process.Output}");
        }
    }

    /// <summary>The highest seq of the normal lane.</summary>
    public static long Head(TempDirectory dir) => Scalar(dir, $"SELECT coalesce(max(seq), 0) FROM {StoreSchema.LogTable(Lane.Normal)}");

    /// <summary>The last seq the normal lane gave out (unlike <see cref="Head"/>, still there once retention deleted the rows).</summary>
    public static long LastSeq(TempDirectory dir) => Scalar(dir, $"SELECT last_seq FROM lanes WHERE lane = {(int)Lane.Normal}");

    /// <summary>The durable cursor of <paramref name="sink"/> in the normal lane (0 when none).</summary>
    public static long Cursor(TempDirectory dir, string sink) => Scalar(dir, $"SELECT coalesce(max(seq), 0) FROM cursors WHERE sink = '{sink}' AND lane = {(int)Lane.Normal}");

    private static string StorePath(TempDirectory dir) => Path.Combine(DataDirectory(dir), new StoreOptions().FileName);

    private static bool HasReadings(TempDirectory dir)
    {
        try
        {
            return File.Exists(StorePath(dir)) && Head(dir) > 0;
        }
        catch (SqliteException)
        {
            return false; // created but its schema not yet committed
        }
    }

    private static long Scalar(TempDirectory dir, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = StorePath(dir), Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 10 }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
