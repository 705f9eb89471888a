namespace Hybrid.Functions.Hosting;

/// <summary>
/// Decides which host runs the app. The Azure Functions host (<c>func start</c>, Flex Consumption) starts the
/// isolated worker with its worker arguments (<c>--functions-uri</c>, <c>--functions-worker-id</c>, …, and the older
/// <c>--host</c>/<c>--port</c>/<c>--workerId</c>) and <c>FUNCTIONS_WORKER_RUNTIME</c>; without them the same
/// executable runs standalone on Kestrel.
/// </summary>
internal static class FunctionsHostDetection
{
    /// <summary>The app setting the Functions host sets for its workers.</summary>
    public const string WorkerRuntimeVariable = "FUNCTIONS_WORKER_RUNTIME";

    /// <summary>True when the Functions host started this process.</summary>
    public static bool IsStartedByFunctionsHost(IReadOnlyList<string> args, string? workerRuntime)
    {
        ArgumentNullException.ThrowIfNull(args);
        var workerArguments = args.Any(static a =>
            a.StartsWith("--functions-", StringComparison.Ordinal)
            || a.Equals("--workerId", StringComparison.Ordinal)
            || a.Equals("--grpcMaxMessageLength", StringComparison.Ordinal));

        // The variable alone is not enough: it is often left set in a shell after func start, and a worker without
        // the host's arguments has nothing to connect to.
        return workerArguments && !string.IsNullOrEmpty(workerRuntime);
    }
}
