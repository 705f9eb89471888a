namespace Hybrid.Functions.Storage;

/// <summary>Expected outcomes of a table write: success and the races that callers resolve, never exceptions.</summary>
internal enum TableWriteOutcome
{
    /// <summary>Written; <see cref="TableWriteResult.ETag"/> is the new version.</summary>
    Success,

    /// <summary>409: an insert found the entity already there.</summary>
    Conflict,

    /// <summary>412: the entity changed since the ETag given with <c>If-Match</c> was read.</summary>
    PreconditionFailed,

    /// <summary>404: the entity (or the table) does not exist.</summary>
    NotFound,
}

/// <summary>A table write's outcome and, on success, the entity's new ETag.</summary>
internal readonly record struct TableWriteResult(TableWriteOutcome Outcome, string? ETag);
