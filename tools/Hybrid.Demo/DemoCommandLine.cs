using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Hybrid.Demo.View;
using Spectre.Console;

namespace Hybrid.Demo;

/// <summary><c>hybrid-demo [--duration 60] [--data-dir DIR] [--…-port N]</c>; <c>./hybrid demo</c> builds and starts it.</summary>
internal static class DemoCommandLine
{
#if DEBUG
    private const string BuildConfiguration = "Debug";
#else
    private const string BuildConfiguration = "Release";
#endif

    public static RootCommand Build(Func<CancellationToken> stopToken)
    {
        var duration = new Option<TimeSpan?>("--duration")
        {
            Description = "Run this long (seconds, or hh:mm:ss), then wait for every reading written to reach a queue and print a summary. Default: until Ctrl+C.",
            CustomParser = ParseDuration,
        };
        var dataDir = new Option<string?>("--data-dir") { Description = "Logs, the agent's store and Azurite's files (emptied at start). Default: .hybrid/demo in the repository." };
        var functionKey = new Option<string>("--function-key") { Description = "The function key the Function checks and the agent sends.", DefaultValueFactory = _ => "local-demo-key" };
        var mqtt = Port("--mqtt-port", 11883);
        var blob = Port("--azurite-blob-port", 10000);
        var queue = Port("--azurite-queue-port", 10001);
        var table = Port("--azurite-table-port", 10002);
        var function = Port("--function-port", 7071);
        var status = Port("--status-port", 19464);

        var root = new RootCommand("Runs the whole Hybrid pipeline on loopback with a live view. Exit codes: 0 every reading arrived (missing 0), 1 readings missing or a service failed, 2 a bad argument, a port in use or something not built, 130 stopped by Ctrl+C.");
        foreach (var option in new Option[] { duration, dataDir, functionKey, mqtt, blob, queue, table, function, status })
        {
            root.Options.Add(option);
        }

        root.SetAction(async parse =>
        {
            var repository = FindRoot();
            var options = new DemoOptions(
                repository,
                BuildConfiguration,
                Path.GetFullPath(parse.GetValue(dataDir) ?? Path.Combine(repository, ".hybrid", "demo")),
                new DemoPorts(parse.GetValue(mqtt), parse.GetValue(blob), parse.GetValue(queue), parse.GetValue(table), parse.GetValue(function), parse.GetValue(status)),
                parse.GetRequiredValue(functionKey),
                parse.GetValue(duration));
            IDemoView view = Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive
                ? new PlainView(Console.Out, TimeSpan.FromSeconds(5))
                : new LiveView(AnsiConsole.Console);
            return await new DemoRunner(options, view, Console.Out, TimeProvider.System).RunAsync(stopToken()).ConfigureAwait(false);
        });
        return root;
    }

    private static Option<int> Port(string name, int fallback)
    {
        var option = new Option<int>(name) { Description = $"Loopback port (default {fallback}).", DefaultValueFactory = _ => fallback };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 65535)
            {
                r.AddError($"{name} must be a TCP port (1-65535).");
            }
        });
        return option;
    }

    private static TimeSpan? ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero)
        {
            return span;
        }

        result.AddError($"--duration must be a positive number of seconds or hh:mm:ss, not '{text}'.");
        return null;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hybrid.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Hybrid.sln not found above {AppContext.BaseDirectory}: run the demo from its build output in the repository.");
    }
}
