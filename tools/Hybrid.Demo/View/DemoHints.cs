namespace Hybrid.Demo.View;

/// <summary>What the person watching can try: the process ids to pause, and where the logs are.</summary>
internal sealed record DemoHints(int FunctionPid, int MosquittoPid, int AzuritePid, string LogDirectory)
{
    public string Line =>
        $"Try: kill -STOP {FunctionPid} pauses the Function (the uplink backlog grows, the breaker opens), kill -CONT {FunctionPid} resumes it; " +
        $"the same with mosquitto ({MosquittoPid}) or Azurite ({AzuritePid}). Logs: {LogDirectory}. Ctrl+C stops everything.";
}
