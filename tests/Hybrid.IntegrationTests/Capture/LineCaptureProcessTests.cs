using Hybrid.Testing;
using Microsoft.Data.Sqlite;

namespace Hybrid.IntegrationTests.Capture;

/// <summary>The real agent capturing JSON lines from a real command (exec) and from a pipe (stdin).</summary>
public sealed class LineCaptureProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Exec_ScriptPrintsGoodAndBadLinesAndExits_GoodOnesStoredBadOnesLoggedScriptRunAgain()
    {
        using var data = new TempDirectory("edge-exec");
        var script = Path.Combine(data.Path, "scanner.sh");
        await File.WriteAllTextAsync(script, """
            #!/usr/bin/env bash
            echo '{"model":"Acurite-Tower","id":1,"temperature_C":21.5}'
            echo 'garbage line'
            echo '[1,2]'
            echo '{"model":"Oregon","id":2,"temperature_C":19}'
            echo 'warning from the scanner' >&2
            exit 3
            """.ReplaceLineEndings("\n"));
        await using var agent = StartAgent(data, [], new Dictionary<string, string?>
        {
            ["Hybrid__Capture__Exec__Sources__0__Name"] = "scan",
            ["Hybrid__Capture__Exec__Sources__0__Command"] = "bash",
            ["Hybrid__Capture__Exec__Sources__0__Arguments__0"] = script,
            ["Hybrid__Capture__Exec__Sources__0__TypePointer"] = "/model",
            ["Hybrid__Capture__Exec__Sources__0__KeyPointer"] = "/id",
            ["Hybrid__Capture__Exec__Sources__0__RestartMin"] = "00:00:00.200",
            ["Hybrid__Capture__Exec__Sources__0__RestartMax"] = "00:00:00.400",
        });

        // Two runs of the script: it was started again after it exited.
        await Eventually.UntilAsync(() => Rows(data).Count >= 4, Timeout, () => agent.Output);
        await Stop(agent);

        var rows = Rows(data);
        Assert.Equal(0, rows.Count % 2);
        Assert.All(rows.Where((_, i) => i % 2 == 0), r => Assert.Equal(("exec.scan.acurite-tower", "1", "scan"), r));
        Assert.All(rows.Where((_, i) => i % 2 == 1), r => Assert.Equal(("exec.scan.oregon", "2", "scan"), r));
        Assert.Contains("exec source scan: exited with code 3; running it again", agent.Output, StringComparison.Ordinal);
        Assert.Contains("scan: line refused: not JSON", agent.Output, StringComparison.Ordinal);
        Assert.Contains("scan: line refused: a JSON array, not an object", agent.Output, StringComparison.Ordinal);
        Assert.Contains("exec source scan stderr: warning from the scanner", agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_CommandMissing_LoggedWithTheSettingAndRetriedAgentKeepsRunning()
    {
        using var data = new TempDirectory("edge-exec");
        await using var agent = StartAgent(data, [], new Dictionary<string, string?>
        {
            ["Hybrid__Capture__Exec__Sources__0__Name"] = "ghost",
            ["Hybrid__Capture__Exec__Sources__0__Command"] = "/nonexistent/scanner",
            ["Hybrid__Capture__Exec__Sources__0__RestartMin"] = "00:00:00.100",
            ["Hybrid__Capture__Exec__Sources__0__RestartMax"] = "00:00:00.200",
        });

        await agent.WaitForOutputAsync("exec source ghost: could not start '/nonexistent/scanner'", Timeout);
        await agent.WaitForOutputAsync("check Hybrid:Capture:Exec:Sources", Timeout);
        Assert.False(agent.HasExited);
        await Stop(agent);
    }

    [Fact]
    public async Task Stdin_LinesPipedThenEndOfInput_StoredAndTheAgentKeepsRunning()
    {
        using var data = new TempDirectory("edge-stdin");
        await using var agent = StartAgent(data, ["--stdin"], new Dictionary<string, string?>
        {
            ["Hybrid__Capture__Stdin__KeyPointer"] = "/mac",
        }, redirectStdin: true);

        await agent.StandardInput.WriteAsync("{\"mac\":\"AA:BB\",\"rssi\":-60}\n{\"mac\":\"CC:DD\",\"rssi\":-71}\nnot json\n{\"mac\":\"EE:FF\",\"rssi\":-80}");
        agent.StandardInput.Close();

        await agent.WaitForOutputAsync("stdin: end of input after 4 lines (3 readings, 1 refused)", Timeout);
        await Eventually.UntilAsync(() => Rows(data).Count == 3, Timeout, () => agent.Output);
        Assert.Equal([("stdin", "AA:BB", "stdin"), ("stdin", "CC:DD", "stdin"), ("stdin", "EE:FF", "stdin")], Rows(data));
        Assert.False(agent.HasExited);
        await Stop(agent);
    }

    private static ChildProcess StartAgent(TempDirectory data, string[] arguments, Dictionary<string, string?> settings, bool redirectStdin = false)
    {
        var environment = new Dictionary<string, string?>(settings)
        {
            ["Hybrid__Agent__DeviceId"] = "capture-test",
            ["Hybrid__Agent__DataDirectory"] = data.Path,
            ["Hybrid__Mqtt__Enabled"] = "false",
            ["Hybrid__Store__CommitInterval"] = "00:00:00",
        };
        return ChildProcess.Start(RepositoryPaths.EdgeAgent, ["run", .. arguments], environment, redirectStdin: redirectStdin);
    }

    private static async Task Stop(ChildProcess agent)
    {
        agent.Signal(15);
        Assert.Equal(0, await agent.WaitForExitAsync(Timeout));
    }

    /// <summary>The normal lane's (type, key, source) in seq order, read beside the agent.</summary>
    private static List<(string Type, string? Key, string Source)> Rows(TempDirectory data)
    {
        var path = Path.Combine(data.Path, "store.db");
        if (!File.Exists(path))
        {
            return [];
        }

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT type, key, source FROM log_normal ORDER BY seq";
        try
        {
            using var reader = command.ExecuteReader();
            var rows = new List<(string, string?, string)>();
            while (reader.Read())
            {
                rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2)));
            }

            return rows;
        }
        catch (SqliteException)
        {
            // The agent has not created its tables yet.
            return [];
        }
    }
}
