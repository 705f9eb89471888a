using System.Diagnostics;

namespace Hybrid.Testing;

/// <summary>Waits for a condition instead of sleeping a fixed time.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; <see cref="TimeoutException"/> (with <paramref name="describe"/>) after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string>? describe = null)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"condition not met within {timeout}. {describe?.Invoke()}");
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>Polls an asynchronous <paramref name="condition"/> until it holds; <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string>? describe = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var waited = Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"condition not met within {timeout}. {describe?.Invoke()}");
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
    }
}
