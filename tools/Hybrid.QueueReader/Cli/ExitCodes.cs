namespace Hybrid.QueueReader.Cli;

/// <summary>The queue reader's exit codes (listed in <c>--help</c> and the README).</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The queue service is unreachable or refused the request.</summary>
    public const int StorageFailed = 1;

    /// <summary>A bad argument or connection string.</summary>
    public const int BadArgument = 2;

    /// <summary>The queue does not exist.</summary>
    public const int QueueNotFound = 3;

    /// <summary>Everything was read, but some messages were not in the v1 format (each named on standard error).</summary>
    public const int UndecodableMessages = 4;

    public const string Help = "Exit codes: 0 done, 1 queue service unreachable or refused, 2 bad argument, 3 queue not found, 4 undecodable messages seen.";
}
