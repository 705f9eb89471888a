using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Store;

/// <summary>Source-generated DataAnnotations validation of <see cref="StoreOptions"/> (no reflection).</summary>
[OptionsValidator]
internal sealed partial class StoreOptionsValidator : IValidateOptions<StoreOptions>;
