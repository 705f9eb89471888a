using System.Collections.Concurrent;
using System.Text.Json;
using Hybrid.Edge.Capture;
using Hybrid.Edge.Store;
using Hybrid.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.UnitTests.Capture;

public sealed class SimulatedCaptureTests
{
    private sealed class RecordingWriter : IReadingWriter
    {
        public ConcurrentQueue<CaptureReading> Readings { get; } = new();

        public bool TryWrite(CaptureReading reading)
        {
            Readings.Enqueue(reading);
            return true;
        }
    }

    /// <summary>A fake clock that says when the first timer is created on it.</summary>
    private sealed class TimerSignallingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private readonly TaskCompletionSource _timerCreated = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task TimerCreated => _timerCreated.Task;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            _timerCreated.TrySetResult();
            return timer;
        }
    }

    [Fact]
    public async Task Run_EveryInterval_WritesOneReadingPerSensorWithinItsBounds()
    {
        var time = new TimerSignallingTimeProvider(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        var writer = new RecordingWriter();
        var options = new SimulatedCaptureOptions { Enabled = true, Interval = TimeSpan.FromSeconds(5) };
        using var service = new SimulatedCaptureService(Options.Create(options), writer, time, NullLogger<SimulatedCaptureService>.Instance);

        await service.StartAsync(CancellationToken.None);

        // ExecuteAsync creates its timer on the thread pool: advance only once it exists, then exactly once per tick,
        // each time waiting for that tick's readings (however slow a loaded machine is), so ticks never coalesce.
        await time.TimerCreated.WaitAsync(TimeSpan.FromSeconds(30));
        for (var tick = 1; tick <= 3; tick++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            await Eventually.UntilAsync(() => writer.Readings.Count >= 2 * tick, TimeSpan.FromSeconds(30), () => $"tick {tick}: {writer.Readings.Count} readings");
        }

        await service.StopAsync(CancellationToken.None);

        var readings = writer.Readings.ToArray();
        Assert.Equal(6, readings.Length);
        Assert.Equal(3, readings.Count(r => r.Type == "telemetry.temperature" && r.Key == "sensor-1"));
        Assert.Equal(3, readings.Count(r => r.Type == "telemetry.humidity" && r.Key == "sensor-2"));
        Assert.All(readings, r => Assert.Equal("simulated", r.Source));
        Assert.Equal(readings[0].Ts, readings[1].Ts);
        Assert.Equal(TimeSpan.FromSeconds(5), readings[2].Ts - readings[0].Ts);
        Assert.Equal(TimeSpan.FromSeconds(5), readings[4].Ts - readings[2].Ts);
        foreach (var reading in readings)
        {
            using var payload = JsonDocument.Parse(reading.PayloadJson);
            var value = payload.RootElement.GetProperty("value").GetDouble();
            var (min, max, unit) = reading.Type == "telemetry.temperature" ? (18, 26, "C") : (30, 60, "%");
            Assert.InRange(value, min, max);
            Assert.Equal(unit, payload.RootElement.GetProperty("unit").GetString());
        }
    }

    [Fact]
    public async Task Run_Disabled_WritesNothing()
    {
        var time = new FakeTimeProvider();
        var writer = new RecordingWriter();
        using var service = new SimulatedCaptureService(Options.Create(new SimulatedCaptureOptions()), writer, time, NullLogger<SimulatedCaptureService>.Instance);

        await service.StartAsync(CancellationToken.None);
        // A disabled source returns at once; one that ignored Enabled would still be looping here.
        await service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromMinutes(1));
        await service.StopAsync(CancellationToken.None);

        Assert.Empty(writer.Readings);
    }

    [Fact]
    public void Validate_BadSensorAndInterval_NamesEachSetting()
    {
        var options = new SimulatedCaptureOptions
        {
            Interval = TimeSpan.Zero,
            Sensors = [new() { Type = "Bad Type", Min = 5, Max = 5 }],
        };

        var result = new SimulatedCaptureOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(3, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Hybrid:Capture:Simulated:Interval", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Hybrid:Capture:Simulated:Sensors:0:Type 'Bad Type'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Hybrid:Capture:Simulated:Sensors:0: Min (5) must be", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_Defaults_Succeed() =>
        Assert.True(new SimulatedCaptureOptionsValidator().Validate(null, new SimulatedCaptureOptions()).Succeeded);

    [Fact]
    public void NextPayload_ManySteps_StaysWithinBounds()
    {
        var sensor = new SimulatedSensor(new SimulatedSensorOptions { Type = "telemetry.x", Unit = "V", Min = -1, Max = 1 }, new Random(42));
        var values = Enumerable.Range(0, 10_000)
            .Select(_ => JsonDocument.Parse(sensor.NextPayload()).RootElement.GetProperty("value").GetDouble())
            .ToList();

        Assert.All(values, v => Assert.InRange(v, -1, 1));
        Assert.True(values.Distinct().Count() > 100, "the value should wander, not stay put");
    }
}
