namespace Hybrid.Bench;

/// <summary>
/// One bench command: measures our code and, in the same run, the limit it is compared against, and prints both.
/// Implementations are found by reflection; add a class, nothing else.
/// </summary>
internal interface IBenchmark
{
    /// <summary>Name used on the command line: <c>./hybrid bench NAME</c>.</summary>
    string Name { get; }

    /// <summary>One line for the list of benchmarks.</summary>
    string Description { get; }

    /// <summary>Runs the benchmark; <paramref name="args"/> are the arguments after the name.</summary>
    Task<int> RunAsync(string[] args, CancellationToken cancellationToken);
}
