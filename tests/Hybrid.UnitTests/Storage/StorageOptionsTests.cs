using Hybrid.Functions.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hybrid.UnitTests.Storage;

public sealed class StorageOptionsTests
{
    private static List<string> Validate(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton(TimeProvider.System).AddStorage(configuration);
        using var provider = services.BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            return [];
        }
        catch (OptionsValidationException ex)
        {
            return ex.Failures.ToList();
        }
    }

    [Fact]
    public void Validate_DevelopmentStorage_PassesWithDefaults()
    {
        Assert.Empty(Validate(new() { ["Hybrid:Storage:ConnectionString"] = "UseDevelopmentStorage=true" }));
    }

    [Fact]
    public void Validate_AccountNameOnly_PassesForEntraId()
    {
        Assert.Empty(Validate(new() { ["Hybrid:Storage:AccountName"] = "hybridstore" }));
    }

    [Fact]
    public void Validate_EveryKeyOfLocalSettingsSample_BindsAndPasses()
    {
        using var sample = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Hybrid.Testing.RepositoryPaths.Root, "local.settings.sample.json")));
        var settings = sample.RootElement.GetProperty("Values").EnumerateObject()
            .Where(p => p.Name.StartsWith("Hybrid__Storage__", StringComparison.Ordinal))
            .ToDictionary(p => p.Name.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value.GetString());

        Assert.Contains("Hybrid:Storage:WatermarkTable", settings.Keys);
        Assert.Contains("Hybrid:Storage:QueueEndpoint", settings.Keys);
        Assert.Empty(Validate(settings));
    }

    [Theory]
    [InlineData(null, null, "Hybrid:Storage:ConnectionString or Hybrid:Storage:AccountName is required")]
    [InlineData("Hybrid:Storage:AccountName", "Not_Valid", "Hybrid:Storage:AccountName must be 3 to 24 lowercase letters and digits")]
    [InlineData("Hybrid:Storage:WatermarkTable", "bad-name", "Hybrid:Storage:WatermarkTable must be 3 to 63 letters and digits")]
    [InlineData("Hybrid:Storage:ConnectionString", "AccountName=x", "Hybrid:Storage:ConnectionString is invalid: ")]
    [InlineData("Hybrid:Storage:ConnectionString", "no pairs here", "Hybrid:Storage:ConnectionString is invalid: ")]
    [InlineData("Hybrid:Storage:RequestTimeout", "00:00:00.010", "Hybrid:Storage:RequestTimeout must be between")]
    [InlineData("Hybrid:Storage:MaxRetries", "11", "Hybrid:Storage:MaxRetries must be between 0 and 10")]
    [InlineData("Hybrid:Storage:RetryDelay", "00:00:10", "Hybrid:Storage:MaxRetryDelay (00:00:05) must not be less than Hybrid:Storage:RetryDelay (00:00:10)")]
    [InlineData("Hybrid:Storage:QueueEndpoint", "ftp://host/x", "Hybrid:Storage:QueueEndpoint must be an absolute http(s) URL")]
    public void Validate_BadSetting_NamesSettingAndFix(string? key, string? value, string message)
    {
        var settings = new Dictionary<string, string?> { ["Hybrid:Storage:AccountName"] = "hybridstore" };
        if (key is null)
        {
            settings.Clear();
        }
        else
        {
            settings[key] = value;
        }

        var failures = Validate(settings);

        Assert.Contains(failures, f => f.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Options_ToString_HidesConnectionString()
    {
        var options = new StorageOptions { ConnectionString = "AccountName=a;AccountKey=c2VjcmV0" };

        Assert.DoesNotContain("c2VjcmV0", options.ToString(), StringComparison.Ordinal);
        Assert.Contains("(set)", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ConnectionStringWithBadKey_FailsWithoutEchoingIt()
    {
        const string secretLooking = "not*base64*but*secret";

        var failures = Validate(new() { ["Hybrid:Storage:ConnectionString"] = $"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={secretLooking}" });

        var failure = Assert.Single(failures);
        Assert.StartsWith("Hybrid:Storage:ConnectionString is invalid: ", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(secretLooking, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Clients_AccountNameOnly_UseEntraIdAndDefaultOrGivenEndpoints()
    {
        using var clients = new StorageAccountClients(new StorageOptions
        {
            AccountName = "hybridstore",
            TableEndpoint = new Uri("https://hybridstore.table.core.usgovcloudapi.net"),
            MaxRetries = 3,
        }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        Assert.True(clients.UsesIdentity);
        Assert.Equal(4, clients.Attempts);
        Assert.Equal("https://hybridstore.queue.core.windows.net/", clients.Queues.Uri.AbsoluteUri);
        Assert.Equal("https://hybridstore.table.core.usgovcloudapi.net/", clients.Tables.Uri.AbsoluteUri);
        Assert.Equal("hybridstore", clients.Queues.AccountName);
    }

    [Fact]
    public void Clients_ConnectionString_UseTheKeyAndItsEndpoints()
    {
        using var clients = new StorageAccountClients(new StorageOptions
        {
            ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + Convert.ToBase64String(new byte[64]) +
                ";QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1",
        }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        Assert.False(clients.UsesIdentity);
        Assert.Equal("http://127.0.0.1:10001/devstoreaccount1", clients.Queues.Uri.AbsoluteUri.TrimEnd('/'));
        Assert.Equal("devstoreaccount1", clients.Tables.AccountName);
    }
}
