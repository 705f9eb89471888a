using Microsoft.Extensions.Time.Testing;

namespace Hybrid.UnitTests.Ingest;

/// <summary>Running a fake clock while work that waits on it (claims of other instances, parked records) completes.</summary>
internal static class FakeClockSteps
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Advances <paramref name="time"/> in 10 ms steps until <paramref name="work"/> is done (at most
    /// <paramref name="maxSteps"/>), pausing <paramref name="pause"/> of real time after each step so the continuations
    /// it released run before the next.
    /// </summary>
    public static async Task<T> RunUntilDoneAsync<T>(this FakeTimeProvider time, Task<T> work, int maxSteps, TimeSpan pause)
    {
        for (var step = 0; step < maxSteps && !work.IsCompleted; step++)
        {
            time.Advance(Step);
            await Task.Delay(pause);
        }

        return await work;
    }
}
