using Hybrid.Functions.Health;
using Hybrid.Functions.Hosting;
using Hybrid.Functions.Storage;

var builder = WebApplication.CreateSlimBuilder(args);
builder.ConfigureFunctionHost();
builder.Services.AddStorage(builder.Configuration);

var app = builder.Build();
app.MapHealthApi();
await app.RunAsync().ConfigureAwait(false);
