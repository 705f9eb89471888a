namespace Hybrid.Bench.All;

/// <summary>One bench as <c>bench all</c> ran it: its name, the command a person would type, how it ended and what it printed.</summary>
internal sealed record BenchRun(string Name, string Command, int ExitCode, TimeSpan Elapsed, string Output);
