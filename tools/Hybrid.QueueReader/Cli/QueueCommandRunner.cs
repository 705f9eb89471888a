using System.Text.RegularExpressions;
using Hybrid.QueueReader.Storage;

namespace Hybrid.QueueReader.Cli;

/// <summary>What <c>count</c> and <c>tail</c> share: checking the arguments, opening the queue, turning failures into exit codes.</summary>
internal static partial class QueueCommandRunner
{
    private static readonly TimeSpan NetworkTimeout = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(
        string? connectionString,
        string queue,
        TextWriter error,
        Func<QueueMessageSource, CancellationToken, Task<int>> command,
        CancellationToken cancellationToken)
    {
        if (!QueueName().IsMatch(queue))
        {
            await error.WriteLineAsync($"error: '{queue}' is not a queue name (3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit)").ConfigureAwait(false);
            return ExitCodes.BadArgument;
        }

        var effective = connectionString
            ?? Environment.GetEnvironmentVariable(QueueConnection.ConnectionStringVariable)
            ?? QueueConnection.DevelopmentStorage;
        if (!QueueConnection.TryCreate(effective, NetworkTimeout, out var connection, out var problem))
        {
            await error.WriteLineAsync($"error: {problem}").ConfigureAwait(false);
            return ExitCodes.BadArgument;
        }

        try
        {
            return await command(connection!.Open(queue), cancellationToken).ConfigureAwait(false);
        }
        catch (QueueAccessException e)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return e.Failure == QueueFailure.QueueNotFound ? ExitCodes.QueueNotFound : ExitCodes.StorageFailed;
        }
    }

    /// <summary>Prints why a message was skipped, on standard error.</summary>
    public static Task ReportUndecodableAsync(TextWriter error, string queue, ScannedMessage message) =>
        error.WriteLineAsync($"warning: message {message.Message.MessageId} in '{queue}' skipped: {message.Error} (left in the queue)");

    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex QueueName();
}
