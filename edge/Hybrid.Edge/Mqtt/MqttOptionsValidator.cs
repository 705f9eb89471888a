using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Mqtt;

/// <summary>Source-generated DataAnnotations validation of <see cref="MqttOptions"/> (no reflection).</summary>
[OptionsValidator]
internal sealed partial class MqttOptionsValidator : IValidateOptions<MqttOptions>;
