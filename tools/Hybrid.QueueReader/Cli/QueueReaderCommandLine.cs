using System.CommandLine;

namespace Hybrid.QueueReader.Cli;

/// <summary>The queue reader's command line: <c>count</c> and <c>tail</c>.</summary>
internal static class QueueReaderCommandLine
{
    public static RootCommand Build(TextWriter output, TextWriter error, TimeProvider time)
    {
        var connection = new Option<string?>("--connection-string")
        {
            Description = "Storage connection string; default: $AZURE_STORAGE_CONNECTION_STRING, else UseDevelopmentStorage=true (Azurite on its default ports).",
            Recursive = true,
        };
        var dedupe = new Option<bool>("--dedupe") { Description = "Drop items whose (device, epoch, seq) was already seen in this run.", Recursive = true };
        var delete = new Option<bool>("--delete") { Description = "Consume: delete each message once its items are handled. Without it messages come back after the visibility timeout.", Recursive = true };
        var visibility = new Option<TimeSpan>("--visibility-timeout")
        {
            Description = "How long read messages stay hidden from other consumers (hh:mm:ss).",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(30),
            Recursive = true,
        };
        visibility.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<TimeSpan>() is var v && (v < TimeSpan.FromSeconds(1) || v > TimeSpan.FromDays(7)))
            {
                r.AddError("--visibility-timeout must be between 00:00:01 and 7.00:00:00.");
            }
        });

        var root = new RootCommand($"Reads the ingest Function's queues: decodes packed messages (format v1) into readings. {ExitCodes.Help}");
        root.Options.Add(connection);
        root.Options.Add(dedupe);
        root.Options.Add(delete);
        root.Options.Add(visibility);

        var countQueue = QueueArgument();
        var count = new Command("count", "Read every message of QUEUE once and print: messages, items and, with --dedupe, unique items and duplicates.");
        count.Arguments.Add(countQueue);
        count.SetAction((parse, ct) => QueueCommandRunner.RunAsync(
            parse.GetValue(connection),
            parse.GetRequiredValue(countQueue),
            error,
            (source, token) => CountCommand.RunAsync(source, Options(parse, follow: false), parse.GetValue(dedupe), output, error, time, token),
            ct));
        root.Subcommands.Add(count);

        var tailQueue = QueueArgument();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep waiting for new messages until Ctrl+C." };
        var max = new Option<long?>("--max-items", "-n") { Description = "Stop after printing this many items." };
        max.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long?>() is < 1)
            {
                r.AddError("--max-items must be at least 1.");
            }
        });
        var tail = new Command("tail", "Print the items of QUEUE as JSON lines (queue, device, epoch, seq, type, ts, source, key, payload, reason).");
        tail.Arguments.Add(tailQueue);
        tail.Options.Add(follow);
        tail.Options.Add(max);
        tail.SetAction((parse, ct) => QueueCommandRunner.RunAsync(
            parse.GetValue(connection),
            parse.GetRequiredValue(tailQueue),
            error,
            (source, token) => TailCommand.RunAsync(source, Options(parse, parse.GetValue(follow)), parse.GetValue(dedupe), parse.GetValue(max), output, error, time, token),
            ct));
        root.Subcommands.Add(tail);
        return root;

        ScanOptions Options(ParseResult parse, bool follow) =>
            new(parse.GetValue(delete), follow, parse.GetValue(visibility), TimeSpan.FromSeconds(1));
    }

    private static Argument<string> QueueArgument() => new("queue") { Description = "Queue name, e.g. telemetry, alerts, ingest-rejected." };
}
