using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Hosting;

/// <summary>Source-generated DataAnnotations validation of <see cref="AgentOptions"/> (no reflection).</summary>
[OptionsValidator]
internal sealed partial class AgentOptionsValidator : IValidateOptions<AgentOptions>;
