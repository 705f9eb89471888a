using Hybrid.Testing;

namespace Hybrid.IntegrationTests;

[CollectionDefinition(Collections.Mosquitto)]
public sealed class MosquittoServices : ICollectionFixture<MosquittoFixture>;

[CollectionDefinition(Collections.Azurite)]
public sealed class AzuriteServices : ICollectionFixture<AzuriteFixture>;

[CollectionDefinition(Collections.FunctionApp)]
public sealed class FunctionAppServices : ICollectionFixture<FunctionAppFixture>;
