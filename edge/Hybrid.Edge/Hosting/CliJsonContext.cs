using System.Text.Json;
using System.Text.Json.Serialization;
using Hybrid.Edge.Store;

namespace Hybrid.Edge.Hosting;

/// <summary>Source-generated JSON for the CLI's <c>--json</c> output (no reflection; AOT-safe).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<DeadLetterRecord>))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
