using System.Globalization;
using Hybrid.Demo.Watch;
using Spectre.Console;

namespace Hybrid.Demo.View;

/// <summary>On a terminal: one table, redrawn every second (Spectre.Console live display).</summary>
internal sealed class LiveView(IAnsiConsole console) : IDemoView
{
    /// <summary>The last events (service exits and restarts) the view keeps on screen.</summary>
    private const int EventsShown = 3;

    public Task ShowAsync(IAsyncEnumerable<DemoSample> samples)
    {
        return console.Live(new Markup("[grey]waiting for the first sample…[/]")).StartAsync(async context =>
        {
            DemoSample? previous = null;
            await foreach (var sample in samples.ConfigureAwait(false))
            {
                context.UpdateTarget(Render(sample, previous));
                previous = sample;
            }
        });
    }

    private static Rows Render(DemoSample sample, DemoSample? previous)
    {
        var flow = new Table().Border(TableBorder.Rounded).Collapse().Title($"Hybrid demo · {sample.Elapsed:mm\\:ss}")
            .AddColumn("readings").AddColumn(new TableColumn("total").RightAligned()).AddColumn(new TableColumn("per second").RightAligned());
        void Flow(string label, Func<DemoSample, long?> value) =>
            flow.AddRow(Markup.Escape(label), Number(value(sample)), sample.Rate(previous, value).ToString("0.0", CultureInfo.InvariantCulture));

        Flow("captured", s => s.Agent?.Captured);
        Flow("stored (SQLite log)", s => s.Agent?.Stored);
        Flow("published to MQTT (acknowledged by the broker)", s => s.Agent?.MqttAcknowledged);
        Flow("uplinked (sent to the Function)", s => s.Agent?.Uplink.Sent);
        Flow("acknowledged by the Function", s => s.Agent?.Uplink.Acknowledged);
        foreach (var queue in sample.Arrived.Keys)
        {
            Flow($"arrived in queue '{queue}'", s => s.Arrived.GetValueOrDefault(queue));
        }

        Flow("duplicates read from the queues", s => s.Duplicates);

        var agent = sample.Agent;
        var state = agent is null
            ? "[red]the agent's status endpoint does not answer[/]"
            : $"backlog: MQTT sink [bold]{Number(sample.Backlog("mqtt"))}[/], uplink [bold]{Number(sample.Backlog("uplink"))}[/] · " +
              $"MQTT {Markup.Escape(agent.MqttConnection)} · breaker {Breaker(agent.Uplink.Breaker)} · " +
              $"dead letters {Number(sample.DeadLetters)} · dropped {Number(agent.Dropped)}" +
              (agent.Uplink.Held is { } held ? $"\n[red]uplink HELD: {Markup.Escape(held)}[/]" : "") +
              (agent.Uplink.LastError is { } error ? $"\n[grey]uplink last error: {Markup.Escape(error)}[/]" : "");
        if (sample.QueueError is { } queueError)
        {
            state += $"\n[red]queues: {Markup.Escape(queueError)}[/]";
        }

        foreach (var happened in sample.Events.TakeLast(EventsShown))
        {
            state += $"\n[aqua]{Markup.Escape(happened)}[/]";
        }

        return new Rows(flow, new Markup(state), new Markup($"[yellow]{Markup.Escape(sample.Hint)}[/]"));
    }

    private static string Number(long? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "?";

    private static string Breaker(string? state) => state switch
    {
        "closed" => "[green]closed[/]",
        null => "?",
        _ => $"[red]{Markup.Escape(state)}[/]",
    };
}
