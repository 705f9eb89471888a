using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Hosting;

/// <summary>Logs the effective configuration at start and the shutdown, so an operator sees what the agent runs with.</summary>
internal sealed class AgentLifetimeLogger(IOptions<AgentOptions> options, ILogger<AgentLifetimeLogger> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        var agent = options.Value;
        var version = typeof(AgentLifetimeLogger).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        Log.AgentStarting(logger, version, agent.EffectiveDeviceId, Path.GetFullPath(agent.DataDirectory));
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        Log.AgentStopping(logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        Log.AgentStopped(logger);
        return Task.CompletedTask;
    }
}
