using System.Text.Json;
using System.Text.Json.Serialization;
using Hybrid.Contracts;
using Hybrid.Functions.Health;

namespace Hybrid.Functions.Hosting;

/// <summary>Source-generated JSON for the app's own HTTP answers.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(IngestResponse))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
internal sealed partial class FunctionJsonContext : JsonSerializerContext;
