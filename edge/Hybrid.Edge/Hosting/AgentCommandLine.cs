using System.CommandLine;
using Hybrid.Edge.Capture;
using Hybrid.Edge.Store;
using Microsoft.Extensions.Hosting;

namespace Hybrid.Edge.Hosting;

/// <summary>The agent's command line: <c>run</c> and <c>config check</c>.</summary>
internal static class AgentCommandLine
{
    public static RootCommand Build()
    {
        var configOption = new Option<FileInfo?>("--config", "-c")
        {
            Description = "An extra JSON settings file, applied over appsettings.json and under environment variables.",
            Recursive = true,
        };

        var root = new RootCommand("Hybrid edge agent: capture readings, keep them in a store-and-forward log, forward them to MQTT and the cloud.");
        root.Options.Add(configOption);

        var stdinOption = new Option<bool>("--stdin")
        {
            Description = "Also capture JSON lines from standard input (e.g. some-scanner | hybrid-edge run --stdin); the end of input stops only this source.",
        };
        var run = new Command("run", "Run the agent until SIGTERM or Ctrl+C.");
        run.Options.Add(stdinOption);
        run.SetAction((parse, ct) => RunAsync(parse.GetValue(configOption), parse.GetValue(stdinOption), ct));
        root.Subcommands.Add(run);

        var jsonOption = new Option<bool>("--json") { Description = "Print JSON instead of a table (for scripts)." };
        var status = new Command("status", "Show the store: lanes, each sink's cursor, backlog and oldest undelivered reading, dead letters, drops. Exit 0, 1 without a readable store, 2 on bad configuration.");
        status.Options.Add(jsonOption);
        status.SetAction(parse => StoreCommands.Status(parse.GetValue(configOption), parse.GetValue(jsonOption), Console.Out, Console.Error));
        root.Subcommands.Add(status);
        root.Subcommands.Add(DeadLetterCommand(configOption, jsonOption));

        var config = new Command("config", "Inspect the configuration.");
        var check = new Command("check", "Validate the configuration and exit: 0 when valid, 2 with one message per problem otherwise.");
        check.SetAction(parse => CheckConfig(parse.GetValue(configOption)));
        config.Subcommands.Add(check);
        root.Subcommands.Add(config);
        return root;
    }

    private static Command DeadLetterCommand(Option<FileInfo?> configOption, Option<bool> jsonOption)
    {
        var sink = new Option<string?>("--sink") { Description = "Only this sink (mqtt, uplink, …)." };
        var lane = new Option<string?>("--lane") { Description = "Only this lane: high or normal." };
        lane.AcceptOnlyFromAmong("high", "normal");
        var reason = new Option<string?>("--reason") { Description = "Only dead letters whose reason contains this text." };
        var from = new Option<long?>("--from") { Description = "Only seqs from this one on." };
        var to = new Option<long?>("--to") { Description = "Only seqs up to this one." };
        var all = new Option<bool>("--all") { Description = "purge, retry: every dead letter (without it a filter is required)." };
        DeadLetterFilter Filter(ParseResult parse) => new(
            parse.GetValue(sink),
            parse.GetValue(lane) switch { "high" => Store.Lane.High, "normal" => Store.Lane.Normal, _ => null },
            parse.GetValue(reason),
            parse.GetValue(from),
            parse.GetValue(to));

        var list = new Command("list", "List dead letters (readings a sink gave up on, with the reason), oldest first.");
        var purge = new Command("purge", "Delete dead letters for good.");
        var retry = new Command("retry", "Put dead letters back in front of their sink, under their own seq: delivered, they go; refused again, they stay with the new reason.");
        foreach (var command in new[] { list, purge, retry })
        {
            command.Options.Add(sink);
            command.Options.Add(lane);
            command.Options.Add(reason);
            command.Options.Add(from);
            command.Options.Add(to);
        }

        list.Options.Add(jsonOption);
        list.SetAction(parse => StoreCommands.ListDeadLetters(parse.GetValue(configOption), Filter(parse), parse.GetValue(jsonOption), Console.Out, Console.Error));
        purge.Options.Add(all);
        purge.SetAction(parse => StoreCommands.PurgeDeadLetters(parse.GetValue(configOption), Filter(parse), parse.GetValue(all), Console.Out, Console.Error));
        retry.Options.Add(all);
        retry.SetAction(parse => StoreCommands.RetryDeadLetters(parse.GetValue(configOption), Filter(parse), parse.GetValue(all), Console.Out, Console.Error));
        var deadLetter = new Command("deadletter", "Inspect, retry or delete dead letters in the store.");
        deadLetter.Subcommands.Add(list);
        deadLetter.Subcommands.Add(retry);
        deadLetter.Subcommands.Add(purge);
        return deadLetter;
    }

    private static async Task<int> RunAsync(FileInfo? configFile, bool stdin, CancellationToken cancellationToken)
    {
        var switches = stdin ? new Dictionary<string, string?> { [$"{StdinCaptureOptions.SectionName}:{nameof(StdinCaptureOptions.Enabled)}"] = "true" } : null;
        using var host = AgentHost.CreateBuilder(configFile?.FullName, switches).Build();
        // Validated here rather than by the host's start: that throws an AggregateException when two sections fail.
        var failures = AgentHost.Validate(host.Services);
        if (failures.Count > 0)
        {
            await WriteFailuresAsync(failures).ConfigureAwait(false);
            return 2;
        }

        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private static int CheckConfig(FileInfo? configFile)
    {
        using var host = AgentHost.CreateBuilder(configFile?.FullName).Build();
        var failures = AgentHost.Validate(host.Services);
        if (failures.Count > 0)
        {
            WriteFailuresAsync(failures).GetAwaiter().GetResult();
            return 2;
        }

        Console.Out.WriteLine("configuration is valid");
        return 0;
    }

    private static async Task WriteFailuresAsync(IEnumerable<string> failures)
    {
        foreach (var failure in failures)
        {
            await Console.Error.WriteLineAsync($"config error: {failure}").ConfigureAwait(false);
        }
    }
}
