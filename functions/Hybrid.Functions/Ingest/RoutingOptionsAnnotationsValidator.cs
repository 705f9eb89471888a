using Microsoft.Extensions.Options;

namespace Hybrid.Functions.Ingest;

/// <summary>Source-generated DataAnnotations validation of <see cref="RoutingOptions"/> (no reflection).</summary>
[OptionsValidator]
internal sealed partial class RoutingOptionsAnnotationsValidator : IValidateOptions<RoutingOptions>;
