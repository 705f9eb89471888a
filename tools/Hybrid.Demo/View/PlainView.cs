using System.Globalization;
using Hybrid.Demo.Watch;

namespace Hybrid.Demo.View;

/// <summary>Without a terminal (CI, a pipe): one line every few seconds.</summary>
internal sealed class PlainView(TextWriter output, TimeSpan every) : IDemoView
{
    public async Task ShowAsync(IAsyncEnumerable<DemoSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        DemoSample? shown = null;
        var events = 0;
        await foreach (var sample in samples.ConfigureAwait(false))
        {
            if (shown is null)
            {
                await output.WriteLineAsync(sample.Hint).ConfigureAwait(false);
            }

            for (; events < sample.Events.Count; events++)
            {
                await output.WriteLineAsync(sample.Events[events]).ConfigureAwait(false);
            }

            if (shown is null || sample.Elapsed - shown.Elapsed >= every)
            {
                await output.WriteLineAsync(Format(sample, shown)).ConfigureAwait(false);
                shown = sample;
            }
        }
    }

    internal static string Format(DemoSample sample, DemoSample? previous)
    {
        var agent = sample.Agent;
        if (agent is null)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{sample.Elapsed:mm\\:ss} the agent's status endpoint does not answer");
        }

        var queues = string.Join(' ', sample.Arrived.Select(q => string.Create(CultureInfo.InvariantCulture, $"{q.Key} {q.Value}")));
        return string.Create(CultureInfo.InvariantCulture,
            $"{sample.Elapsed:mm\\:ss} captured {agent.Captured} ({sample.Rate(previous, s => s.Agent?.Captured):0}/s) stored {agent.Stored} " +
            $"mqtt-acked {agent.MqttAcknowledged} uplinked {agent.Uplink.Sent} acked {agent.Uplink.Acknowledged} | queues {queues} duplicates {sample.Duplicates} | " +
            $"backlog mqtt {sample.Backlog("mqtt")} uplink {sample.Backlog("uplink")} | breaker {agent.Uplink.Breaker}{(agent.Uplink.Held is { } held ? " HELD " + held : "")} " +
            $"dead-letters {sample.DeadLetters} dropped {agent.Dropped}{(sample.QueueError is { } error ? " | queues: " + error : "")}");
    }
}
