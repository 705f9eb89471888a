using System.Text.Json.Serialization;

namespace Hybrid.Functions.Storage;

/// <summary>Source-generated JSON for the storage client's fixed bodies.</summary>
[JsonSerializable(typeof(CreateTableBody))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
