using System.CommandLine;
using Hybrid.Edge.Capture;
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

        var config = new Command("config", "Inspect the configuration.");
        var check = new Command("check", "Validate the configuration and exit: 0 when valid, 2 with one message per problem otherwise.");
        check.SetAction(parse => CheckConfig(parse.GetValue(configOption)));
        config.Subcommands.Add(check);
        root.Subcommands.Add(config);
        return root;
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
