using Microsoft.Extensions.Options;

namespace Hybrid.Functions.Ingest;

/// <summary>Source-generated DataAnnotations validation of <see cref="IngestOptions"/> (no reflection).</summary>
[OptionsValidator]
internal sealed partial class IngestOptionsAnnotationsValidator : IValidateOptions<IngestOptions>;
