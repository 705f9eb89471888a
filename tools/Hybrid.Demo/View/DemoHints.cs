using Hybrid.Demo.Processes;

namespace Hybrid.Demo.View;

/// <summary>What the person watching can try, with the current process ids (they change when a service is restarted).</summary>
internal sealed class DemoHints(SupervisedService function, SupervisedService mosquitto, SupervisedService azurite, string logDirectory)
{
    public string Line =>
        $"Try: kill {Pid(function)} stops the Function: the uplink backlog grows and the breaker opens; the demo starts it again after " +
        $"{SupervisedService.RestartDelay.TotalSeconds:0} s and the backlog drains. Same with mosquitto (kill {Pid(mosquitto)}). " +
        $"Azurite is {Pid(azurite)}. Logs in {logDirectory}. Ctrl+C stops everything.";

    private static string Pid(SupervisedService service) => service.Current?.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?";
}
