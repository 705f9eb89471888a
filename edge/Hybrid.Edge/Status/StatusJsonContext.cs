using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hybrid.Edge.Status;

/// <summary>Source-generated JSON of the status endpoint (no reflection; AOT-safe).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StatusDocument))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
