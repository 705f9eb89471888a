namespace Hybrid.Edge.Capture;

/// <summary>Settings of the <c>exec</c> capture sources (section <c>Hybrid:Capture:Exec</c>).</summary>
internal sealed class ExecCaptureOptions
{
    public const string SectionName = "Hybrid:Capture:Exec";

    /// <summary>The commands to run, each its own source; none by default.</summary>
    public List<ExecSourceOptions> Sources { get; set; } = [];
}

/// <summary>One command whose standard output is JSON lines, e.g. <c>rtl_433 -F json</c>.</summary>
internal sealed class ExecSourceOptions : JsonLineOptions
{
    /// <summary>The source's name, <c>[a-z0-9._-]{1,64}</c>: the readings' <c>source</c> and the default type <c>exec.{name}</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>The program to run (a path, or a name looked up in PATH); no shell is involved.</summary>
    public string Command { get; set; } = "";

    /// <summary>Its arguments, one per entry (no shell quoting).</summary>
    public List<string> Arguments { get; set; } = [];

    /// <summary>Its working directory; empty for the agent's.</summary>
    public string WorkingDirectory { get; set; } = "";

    /// <summary>First delay before running the command again after it exited (doubles per quick exit, with jitter).</summary>
    public TimeSpan RestartMin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap of that delay.</summary>
    public TimeSpan RestartMax { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The configured type, or <c>exec.{name}</c>.</summary>
    public string EffectiveType => Type.Length > 0 ? Type : $"exec.{Name}";
}
