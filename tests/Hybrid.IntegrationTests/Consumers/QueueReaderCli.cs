using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Consumers;

/// <summary>Runs the real <c>hybrid-queue</c> executable and returns its exit code and output.</summary>
internal static class QueueReaderCli
{
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        await using var process = ChildProcess.Start(ToolPaths.QueueReader, arguments, new Dictionary<string, string?> { ["AZURE_STORAGE_CONNECTION_STRING"] = null });
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exitCode, process.Output);
    }

    public static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
