using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Consumers;

/// <summary>The build outputs of the tools under <c>tools/</c>.</summary>
internal static class ToolPaths
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    public static string QueueReader => Tool("Hybrid.QueueReader", "hybrid-queue");

    public static string Demo => Tool("Hybrid.Demo", "hybrid-demo");

    private static string Tool(string project, string executable) =>
        Path.Combine(RepositoryPaths.Root, "tools", project, "bin", Configuration, "net10.0", executable);
}
