using Hybrid.Functions.Health;
using Hybrid.Functions.Hosting;

var builder = WebApplication.CreateSlimBuilder(args);
builder.ConfigureFunctionHost();

var app = builder.Build();
app.MapHealthApi();
await app.RunAsync().ConfigureAwait(false);
