using Microsoft.Extensions.Logging;

namespace Hybrid.Edge.Capture;

/// <summary>Log messages of the capture sources (event ids 5000-5999; the mqtt source logs with the MQTT component).</summary>
internal static partial class CaptureLog
{
    [LoggerMessage(5000, LogLevel.Information, "simulated capture: {Sensors} sensors every {Interval}", EventName = "SimulatedCaptureStarted")]
    public static partial void SimulatedCaptureStarted(ILogger logger, int sensors, TimeSpan interval);

    [LoggerMessage(5010, LogLevel.Information, "exec source {Source}: started {Command} (pid {Pid})", EventName = "ExecStarted")]
    public static partial void ExecStarted(ILogger logger, string source, string command, int pid);

    [LoggerMessage(5011, LogLevel.Warning, "exec source {Source}: {Outcome}; running it again in {Delay}", EventName = "ExecExited")]
    public static partial void ExecExited(ILogger logger, string source, string outcome, TimeSpan delay);

    [LoggerMessage(5012, LogLevel.Warning, "exec source {Source} stderr: {Line} ({Suppressed} more lines not logged before this one)", EventName = "ExecStandardError")]
    public static partial void ExecStandardError(ILogger logger, string source, string line, long suppressed);

    [LoggerMessage(5013, LogLevel.Warning, "{Source}: line refused: {Reason} ({Refused} refused so far; {Suppressed} not logged before this one)", EventName = "LineRefused")]
    public static partial void LineRefused(ILogger logger, string source, string reason, long refused, long suppressed);

    [LoggerMessage(5020, LogLevel.Information, "stdin: end of input after {Lines} lines ({Readings} readings, {Refused} refused); the source stops, the agent keeps forwarding", EventName = "StdinEnded")]
    public static partial void StdinEnded(ILogger logger, long lines, long readings, long refused);

    [LoggerMessage(5030, LogLevel.Information, "system capture: machine health every {Interval}", EventName = "SystemCaptureStarted")]
    public static partial void SystemCaptureStarted(ILogger logger, TimeSpan interval);
}
