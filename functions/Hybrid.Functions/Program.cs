using Hybrid.Functions.Health;
using Hybrid.Functions.Hosting;
using Hybrid.Functions.Ingest;
using Microsoft.Azure.Functions.Worker.Builder;

// The composition root. Started by the Azure Functions host (func start, Flex Consumption): an isolated worker with
// ASP.NET Core integration whose [Function]s (FunctionEntryPoints) call the handlers. Started any other way:
// the same handlers mapped on plain Kestrel (--urls / ASPNETCORE_URLS), checking the function key itself.
if (FunctionsHostDetection.IsStartedByFunctionsHost(args, Environment.GetEnvironmentVariable(FunctionsHostDetection.WorkerRuntimeVariable)))
{
    var functions = FunctionsApplication.CreateBuilder(args);
    functions.ConfigureFunctionsWebApplication();
    functions.Services.AddHybridIngestApp(functions.Configuration, keysCheckedByHost: true);
    await functions.Build().RunAsync().ConfigureAwait(false);
    return;
}

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
    o.UseUtcTimestamp = true;
});
builder.Services.AddHybridIngestApp(builder.Configuration, keysCheckedByHost: false);
var app = builder.Build();
app.MapHealthApi();
app.MapIngestApi();
await app.RunAsync().ConfigureAwait(false);
