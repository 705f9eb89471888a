namespace Hybrid.Testing;

/// <summary>Locates the repository and the build outputs of the executables that fixtures start.</summary>
public static class RepositoryPaths
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    /// <summary>The directory holding <c>Hybrid.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The Function app's build output directory (its executable, host.json and function folders).</summary>
    public static string FunctionAppDirectory => Path.Combine(Root, "functions", "Hybrid.Functions", "bin", Configuration, "net10.0");

    /// <summary>The edge agent's build output directory.</summary>
    public static string EdgeAgentDirectory => Path.Combine(Root, "edge", "Hybrid.Edge", "bin", Configuration, "net10.0");

    /// <summary>The edge agent's executable in <see cref="EdgeAgentDirectory"/>.</summary>
    public static string EdgeAgent => Path.Combine(EdgeAgentDirectory, "hybrid-edge");

    /// <summary>A tool installed by <c>npm ci</c> into the repository's <c>node_modules/.bin</c>.</summary>
    public static string NodeTool(string name) => Path.Combine(Root, "node_modules", ".bin", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hybrid.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Hybrid.sln not found above {AppContext.BaseDirectory}.");
    }
}
