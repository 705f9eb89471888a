using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Services;

[Collection(Collections.Azurite)]
public sealed class AzuriteFixtureTests(AzuriteFixture fixture)
{
    [Fact]
    public async Task Azurite_QueueAndTableEndpoints_AnswerAsAzurite()
    {
        using var http = new HttpClient();

        using var queue = await http.GetAsync(new Uri(fixture.Server.QueueEndpoint + "?comp=list"));
        using var table = await http.GetAsync(new Uri(fixture.Server.TableEndpoint + "/Tables"));

        // Unsigned requests are refused, which proves the real services answer and check auth.
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, queue.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, table.StatusCode);
        Assert.StartsWith("Azurite-Queue/3.35.0", queue.Headers.Server.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("Azurite-Table/3.35.0", table.Headers.Server.ToString(), StringComparison.Ordinal);
    }
}
