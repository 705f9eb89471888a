using Hybrid.Demo.Watch;

namespace Hybrid.Demo.View;

/// <summary>Shows the samples as they come: a live table on a terminal, plain lines otherwise.</summary>
internal interface IDemoView
{
    Task ShowAsync(IAsyncEnumerable<DemoSample> samples);
}
