using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hybrid.Contracts;

/// <summary>
/// Source-generated System.Text.Json metadata for wire contract v1 (camelCase, no reflection, AOT-safe).
/// Unknown members are ignored so that additive changes stay compatible.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    NumberHandling = JsonNumberHandling.Strict,
    AllowTrailingCommas = false,
    MaxDepth = 64)]
[JsonSerializable(typeof(IngestBatch))]
[JsonSerializable(typeof(IngestResponse))]
[JsonSerializable(typeof(WireReading))]
public sealed partial class ContractJsonContext : JsonSerializerContext;
