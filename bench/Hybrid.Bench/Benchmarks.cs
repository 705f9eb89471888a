namespace Hybrid.Bench;

/// <summary>Every <see cref="IBenchmark"/> in this assembly, found by reflection, ordered by name.</summary>
internal static class Benchmarks
{
    public static IReadOnlyList<IBenchmark> All { get; } = [.. typeof(IBenchmark).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IBenchmark).IsAssignableFrom(t))
        .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
        .OrderBy(b => b.Name, StringComparer.Ordinal)];
}
