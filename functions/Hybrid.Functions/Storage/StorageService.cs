namespace Hybrid.Functions.Storage;

/// <summary>Which storage service a request targets; the two sign requests differently.</summary>
internal enum StorageService
{
    Queue,
    Table,
}
