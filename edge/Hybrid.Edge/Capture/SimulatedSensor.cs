using System.Buffers;
using System.Text.Json;

namespace Hybrid.Edge.Capture;

/// <summary>
/// A sensor whose value takes small random steps between its bounds, so charts of the demo look like a room,
/// not noise. Not thread-safe: one capture loop owns it.
/// </summary>
internal sealed class SimulatedSensor(SimulatedSensorOptions options, Random random)
{
    private double _value = options.Min + ((options.Max - options.Min) / 2);

    public SimulatedSensorOptions Options { get; } = options;

    /// <summary>Takes one step and returns the payload <c>{"value":…,"unit":…}</c> as UTF-8 JSON.</summary>
    public byte[] NextPayload()
    {
        var span = Options.Max - Options.Min;
        var step = (random.NextDouble() - 0.5) * span * 0.05;
        _value = Math.Clamp(_value + step, Options.Min, Options.Max);

        var buffer = new ArrayBufferWriter<byte>(64);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("value", Math.Round(_value, 2));
            json.WriteString("unit", Options.Unit);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
