using System.Globalization;
using Hybrid.Demo.Watch;
using Spectre.Console;

namespace Hybrid.Demo.View;

/// <summary>On a terminal: one table, redrawn every second (Spectre.Console live display).</summary>
internal sealed class LiveView(IAnsiConsole console) : IDemoView
{
    public Task ShowAsync(IAsyncEnumerable<DemoSample> samples, DemoHints hints)
    {
        ArgumentNullException.ThrowIfNull(hints);
        return console.Live(new Markup("[grey]waiting for the first sample…[/]")).StartAsync(async context =>
        {
            DemoSample? previous = null;
            await foreach (var sample in samples.ConfigureAwait(false))
            {
                context.UpdateTarget(Render(sample, previous, hints));
                previous = sample;
            }
        });
    }

    private static Rows Render(DemoSample sample, DemoSample? previous, DemoHints hints)
    {
        var flow = new Table().Border(TableBorder.Rounded).Title($"Hybrid demo · {sample.Elapsed:mm\\:ss}")
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
        var state = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("what").AddColumn("value");
        state.AddRow("backlog: MQTT sink", Number(sample.Backlog("mqtt")));
        state.AddRow("backlog: uplink", Number(sample.Backlog("uplink")));
        state.AddRow("MQTT connection", Markup.Escape(agent?.MqttConnection ?? "?"));
        state.AddRow("uplink breaker", Breaker(agent?.Uplink.Breaker));
        state.AddRow("uplink held", Markup.Escape(agent?.Uplink.Held ?? "no"));
        state.AddRow("uplink last error", Markup.Escape(agent?.Uplink.LastError ?? "none"));
        state.AddRow("dead letters (all sinks)", Number(agent is null ? null : sample.DeadLetters));
        state.AddRow("dropped by the store", Number(agent?.Dropped));
        if (agent is null)
        {
            state.AddRow("[red]agent[/]", "[red]the status endpoint does not answer[/]");
        }

        if (sample.QueueError is { } error)
        {
            state.AddRow("[red]queues[/]", $"[red]{Markup.Escape(error)}[/]");
        }

        return new Rows(flow, state, new Markup($"[yellow]{Markup.Escape(hints.Line)}[/]"));
    }

    private static string Number(long? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "?";

    private static string Breaker(string? state) => state switch
    {
        "closed" => "[green]closed[/]",
        null => "?",
        _ => $"[red]{Markup.Escape(state)}[/]",
    };
}
