using System.CommandLine;
using Hybrid.Edge.Hosting;

// The host handles SIGTERM/SIGINT itself (graceful stop within HostOptions.ShutdownTimeout, the uplink's
// ShutdownGrace included). System.CommandLine's own handler would end the process 2 s after the signal with 143.
NativeMemory.TuneMalloc();
return await AgentCommandLine.Build().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);
