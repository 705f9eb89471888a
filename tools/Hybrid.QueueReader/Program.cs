using Hybrid.QueueReader.Cli;

var parse = QueueReaderCommandLine.Build(Console.Out, Console.Error, TimeProvider.System).Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        await Console.Error.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
    }

    return ExitCodes.BadArgument;
}

return await parse.InvokeAsync().ConfigureAwait(false);
