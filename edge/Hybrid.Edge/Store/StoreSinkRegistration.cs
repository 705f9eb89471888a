namespace Hybrid.Edge.Store;

/// <summary>
/// Declares a sink (e.g. <c>mqtt</c>) to the store, so retention keeps every reading until that sink's cursor
/// has passed it, from the first start on. Register with <see cref="StoreServiceCollectionExtensions.AddStoreSink"/>.
/// </summary>
internal sealed record StoreSinkRegistration(string Name);
