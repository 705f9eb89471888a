using Hybrid.Edge.Hosting;

return await AgentCommandLine.Build().Parse(args).InvokeAsync().ConfigureAwait(false);
