namespace Hybrid.Functions.Storage;

/// <summary>Body of the Create Table request.</summary>
internal sealed record CreateTableBody(string TableName);
