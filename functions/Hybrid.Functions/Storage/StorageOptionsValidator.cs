using Microsoft.Extensions.Options;

namespace Hybrid.Functions.Storage;

/// <summary>Source-generated DataAnnotations validation of <see cref="StorageOptions"/> (no reflection).</summary>
[OptionsValidator]
internal sealed partial class StorageOptionsValidator : IValidateOptions<StorageOptions>;
