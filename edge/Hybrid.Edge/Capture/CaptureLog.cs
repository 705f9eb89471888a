using Microsoft.Extensions.Logging;

namespace Hybrid.Edge.Capture;

/// <summary>Log messages of the capture sources (event ids 5000-5999; the mqtt source logs with the MQTT component).</summary>
internal static partial class CaptureLog
{
    [LoggerMessage(5000, LogLevel.Information, "simulated capture: {Sensors} sensors every {Interval}", EventName = "SimulatedCaptureStarted")]
    public static partial void SimulatedCaptureStarted(ILogger logger, int sensors, TimeSpan interval);
}
