using Hybrid.Functions.Health;
using Hybrid.Functions.Hosting;
using Hybrid.Functions.Ingest;
using Hybrid.Functions.Storage;

var builder = WebApplication.CreateSlimBuilder(args);
builder.ConfigureFunctionHost();
builder.Services.AddStorage(builder.Configuration);
builder.Services.AddIngest(builder.Configuration);

var app = builder.Build();
app.MapHealthApi();
app.MapIngestApi();
await app.RunAsync().ConfigureAwait(false);
