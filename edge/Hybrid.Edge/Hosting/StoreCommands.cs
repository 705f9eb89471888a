using System.Globalization;
using System.Text;
using System.Text.Json;
using Hybrid.Edge.Status;
using Hybrid.Edge.Store;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Hosting;

/// <summary>
/// <c>status</c> (from the running agent's endpoint, else the store file) and <c>deadletter list|purge</c> (the store
/// file named by the same configuration as <c>run</c>, beside a running agent or without one). Exit codes: 0 done,
/// 1 no store or it cannot be read, 2 a bad argument or configuration.
/// </summary>
internal static class StoreCommands
{
    public const int Done = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    /// <summary>
    /// Asks the running agent's status endpoint (<c>Hybrid:Status</c>); without an answer within a second, reads the
    /// store file instead (and says so).
    /// </summary>
    public static int Status(FileInfo? configFile, bool json, TextWriter output, TextWriter error)
    {
        if (LoadSettings(configFile, error) is not { } settings)
        {
            return Usage;
        }

        if (AskAgent(settings.Status) is { } live)
        {
            output.WriteLine(json ? live.Json : FormatLive(live.Document));
            return Done;
        }

        return WithStore(settings.StorePath, readOnly: true, error, inspector =>
        {
            var report = inspector.Report(TimeProvider.System.GetUtcNow());
            var document = new StatusDocument(false, report.DeviceId ?? "", null, report, null, null, []);
            output.WriteLine(json ? JsonSerializer.Serialize(document, StatusJsonContext.Default.StatusDocument) : "(no agent answered on the status endpoint: read from the store file)\n" + FormatStatus(report));
            return Done;
        });
    }

    private static (StatusDocument Document, string Json)? AskAgent(StatusOptions status)
    {
        if (!status.Enabled)
        {
            return null;
        }

        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
            var text = http.GetStringAsync(new Uri(new Uri(status.BaseUrl), "status")).GetAwaiter().GetResult();
            return JsonSerializer.Deserialize(text, StatusJsonContext.Default.StatusDocument) is { } document ? (document, text) : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    private static string FormatLive(StatusDocument live)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"agent running {TimeSpan.FromSeconds(Math.Round(live.UptimeSeconds ?? 0))} as device {live.Device}");
        if (live.Mqtt is { } mqtt)
        {
            text.AppendLine(c, $"mqtt    {mqtt.Connection}, published {mqtt.Published:N0}, acknowledged {mqtt.Acknowledged:N0}, inflight {mqtt.Inflight}");
        }

        if (live.Uplink is { } uplink)
        {
            text.AppendLine(c, $"uplink  breaker {uplink.Breaker}{(uplink.Held is { } held ? $", HELD: {held}" : "")}, accepted {uplink.Accepted:N0}, duplicates {uplink.Duplicates:N0}, dead-lettered {uplink.DeadLettered:N0}, retries {uplink.Retries:N0}");
            if (uplink.LastError is { } last)
            {
                text.AppendLine(c, $"        last error: {last}");
            }
        }

        foreach (var source in live.Capture)
        {
            text.AppendLine(c, $"capture {source.Source}: {source.Lines:N0} lines, {source.Readings:N0} stored, {source.Refused:N0} refused, {source.Dropped:N0} dropped");
        }

        return text.AppendLine().Append(FormatStatus(live.Store)).ToString();
    }

    public static int ListDeadLetters(FileInfo? configFile, DeadLetterFilter filter, bool json, TextWriter output, TextWriter error) =>
        WithStore(configFile, readOnly: true, error, inspector =>
        {
            var records = inspector.ListDeadLetters(filter).ToList();
            output.WriteLine(json ? JsonSerializer.Serialize(records, CliJsonContext.Default.ListDeadLetterRecord) : FormatDeadLetters(records));
            return Done;
        });

    public static int PurgeDeadLetters(FileInfo? configFile, DeadLetterFilter filter, bool all, TextWriter output, TextWriter error)
    {
        if (filter.IsEmpty && !all)
        {
            error.WriteLine("deadletter purge needs a filter (--sink, --lane, --reason, --from, --to) or --all.");
            return Usage;
        }

        return WithStore(configFile, readOnly: false, error, inspector =>
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"purged {inspector.PurgeDeadLetters(filter)} dead letters"));
            return Done;
        });
    }

    /// <summary>
    /// Marks the matching dead letters for their sink to deliver again under their own seq; the running agent's sinks
    /// pick them up within <see cref="Sinks.DeadLetterRetries.PollInterval"/>, a stopped agent's at its next start.
    /// </summary>
    public static int RetryDeadLetters(FileInfo? configFile, DeadLetterFilter filter, bool all, TextWriter output, TextWriter error)
    {
        if (filter.IsEmpty && !all)
        {
            error.WriteLine("deadletter retry needs a filter (--sink, --lane, --reason, --from, --to) or --all.");
            return Usage;
        }

        return WithStore(configFile, readOnly: false, error, inspector =>
        {
            if (inspector.RetryDeadLetters(filter) is not { } request)
            {
                error.WriteLine($"error: the store {inspector.Path} predates dead-letter retries; start the agent of this version once (it upgrades the file), then run retry again.");
                return Failed;
            }

            var c = CultureInfo.InvariantCulture;
            output.WriteLine(string.Create(c, $"marked {request.Marked} dead letters for retry: each sink delivers them again under their own seq (a running agent within {Sinks.DeadLetterRetries.PollInterval.TotalSeconds:0} s, else at its next start); refused again, one stays a dead letter with the new reason"));
            if (request.Unretriable > 0)
            {
                error.WriteLine(string.Create(c, $"{request.Unretriable} matching dead letters hold no copy of their reading (it had left the log when they were recorded) and cannot be retried"));
            }

            return Done;
        });
    }

    private static int WithStore(FileInfo? configFile, bool readOnly, TextWriter error, Func<StoreInspector, int> action) =>
        LoadSettings(configFile, error) is { } settings ? WithStore(settings.StorePath, readOnly, error, action) : Usage;

    private static int WithStore(string path, bool readOnly, TextWriter error, Func<StoreInspector, int> action)
    {
        try
        {
            using var inspector = StoreInspector.Open(path, readOnly);
            return action(inspector);
        }
        catch (Exception ex) when (ex is FileNotFoundException or SqliteException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {ex.Message}");
            return Failed;
        }
    }

    /// <summary>The same configuration as <c>run</c>, validated once; null (with one line per problem) when invalid.</summary>
    private static CliSettings? LoadSettings(FileInfo? configFile, TextWriter error)
    {
        using var host = AgentHost.CreateBuilder(configFile?.FullName).Build();
        var failures = AgentHost.Validate(host.Services);
        foreach (var failure in failures)
        {
            error.WriteLine($"config error: {failure}");
        }

        return failures.Count > 0 ? null : new CliSettings(
            ReadingStore.PathFor(host.Services.GetRequiredService<IOptions<StoreOptions>>().Value, host.Services.GetRequiredService<IOptions<AgentOptions>>().Value),
            host.Services.GetRequiredService<IOptions<StatusOptions>>().Value);
    }

    private static string FormatStatus(StoreReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"store {report.Path}   device {report.DeviceId ?? "-"}   schema v{report.SchemaVersion}");
        text.AppendLine();
        text.AppendLine(c, $"{"lane",-8}{"epoch",-28}{"seqs",-24}{"rows",12}{"bytes",16}");
        foreach (var lane in report.Lanes)
        {
            var seqs = lane.Rows > 0 ? $"{lane.FirstSeq}..{lane.HeadSeq}" : $"empty (next {lane.HeadSeq + 1})";
            text.AppendLine(c, $"{lane.Lane,-8}{lane.Epoch,-28}{seqs,-24}{lane.Rows,12:N0}{lane.Bytes,16:N0}");
        }

        text.AppendLine();
        text.AppendLine(c, $"{"sink",-12}{"lane",-8}{"cursor",14}{"backlog",14}{"oldest",12}{"dead letters",16}");
        foreach (var sink in report.Sinks)
        {
            foreach (var lane in sink.Lanes)
            {
                var oldest = lane.OldestAgeSeconds is { } age ? age.ToString("0.0", c) + " s" : "-";
                text.AppendLine(c, $"{sink.Sink,-12}{lane.Lane,-8}{lane.Cursor,14}{lane.Backlog,14:N0}{oldest,12}{(lane.Lane == "high" ? sink.DeadLetters.ToString("N0", c) : ""),16}");
            }
        }

        if (report.Sinks.Count == 0)
        {
            text.AppendLine("(no sink has saved a cursor yet)");
        }

        text.AppendLine();
        text.Append("dropped since the store was created:");
        foreach (var (reason, count) in report.Dropped)
        {
            text.Append(c, $" {reason}={count}");
        }

        return text.ToString();
    }

    private static string FormatDeadLetters(List<DeadLetterRecord> records)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"{"id",8}  {"sink",-10}{"lane",-8}{"seq",12}  {"at (UTC)",-20}{"type",-28}{"key",-16}reason");
        foreach (var r in records)
        {
            text.AppendLine(c, $"{r.Id,8}  {r.Sink,-10}{r.Lane,-8}{r.Seq,12}  {r.At.UtcDateTime,-20:yyyy-MM-dd HH:mm:ss}{r.Type ?? "-",-28}{r.Key ?? "-",-16}{(r.RetryPending ? "[retry pending] " : "")}{r.Reason}");
        }

        text.Append(c, $"{records.Count} dead letters");
        return text.ToString();
    }

    private sealed record CliSettings(string StorePath, StatusOptions Status);
}
