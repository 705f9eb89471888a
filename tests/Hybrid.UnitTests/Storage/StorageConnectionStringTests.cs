using Hybrid.Functions.Storage;

namespace Hybrid.UnitTests.Storage;

public sealed class StorageConnectionStringTests
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Fact]
    public void Parse_UseDevelopmentStorage_GivesAzuriteDefaults()
    {
        var account = StorageAccount.Parse("UseDevelopmentStorage=true");

        Assert.Equal("devstoreaccount1", account.Name);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), account.QueueEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), account.TableEndpoint);
        Assert.Equal("devstoreaccount1", account.SharedKey!.AccountName);
    }

    [Fact]
    public void Parse_UseDevelopmentStorageWithEndpoints_TakesTheExplicitOnes()
    {
        var account = StorageAccount.Parse("UseDevelopmentStorage=true;QueueEndpoint=http://127.0.0.1:40001/devstoreaccount1/;TableEndpoint=http://127.0.0.1:40002/devstoreaccount1");

        Assert.Equal("http://127.0.0.1:40001/devstoreaccount1", account.QueueEndpoint.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:40002/devstoreaccount1", account.TableEndpoint.AbsoluteUri);
    }

    [Fact]
    public void Parse_AzuriteStyleExplicitString_KeepsPathStyleEndpoints()
    {
        var account = StorageAccount.Parse(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};" +
            "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:2/devstoreaccount1;TableEndpoint=http://127.0.0.1:3/devstoreaccount1;");

        Assert.Equal("http://127.0.0.1:2/devstoreaccount1", account.QueueEndpoint.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:3/devstoreaccount1", account.TableEndpoint.AbsoluteUri);
    }

    [Fact]
    public void Parse_AccountWithSuffixAndMixedCaseKeys_BuildsServiceEndpoints()
    {
        var account = StorageAccount.Parse($"defaultendpointsprotocol=https; ACCOUNTNAME=hybridstore ;AccountKey={Key};EndpointSuffix=core.chinacloudapi.cn");

        Assert.Equal("hybridstore", account.Name);
        Assert.Equal("https://hybridstore.queue.core.chinacloudapi.cn/", account.QueueEndpoint.AbsoluteUri);
        Assert.Equal("https://hybridstore.table.core.chinacloudapi.cn/", account.TableEndpoint.AbsoluteUri);
    }

    [Fact]
    public void Parse_NoProtocolOrSuffix_DefaultsToHttpsPublicCloud()
    {
        var account = StorageAccount.Parse($"AccountName=acct;AccountKey={Key}");

        Assert.Equal("https://acct.queue.core.windows.net/", account.QueueEndpoint.AbsoluteUri);
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("UseDevelopmentStorage=false", "UseDevelopmentStorage must be 'true'")]
    [InlineData("UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://x", "DevelopmentStorageProxyUri is not supported")]
    [InlineData("AccountKey=abcd", "AccountName is missing")]
    [InlineData("AccountName=acct", "AccountKey is missing")]
    [InlineData("AccountName=acct;SharedAccessSignature=sv=2020&sig=x", "SharedAccessSignature is not supported")]
    [InlineData("AccountName=acct;AccountKey=abcd;DefaultEndpointsProtocol=ftp", "DefaultEndpointsProtocol must be http or https")]
    [InlineData("AccountName=acct;AccountKey=abcd;QueueEndpoint=not a url", "QueueEndpoint 'not a url' is not an absolute http(s) URL")]
    [InlineData("AccountName=a;AccountName=b;AccountKey=abcd", "'AccountName' appears twice")]
    [InlineData("AccountName=acct;justtext", "part 2 is not a key=value pair")]
    public void TryParse_Invalid_ExplainsWhy(string connectionString, string reason)
    {
        Assert.False(StorageConnectionString.TryParse(connectionString, out var account, out var error));
        Assert.Null(account);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_KeyNotBase64_ErrorDoesNotContainTheKey()
    {
        const string secret = "this-is-the-secret-key!";

        Assert.False(StorageConnectionString.TryParse($"AccountName=acct;AccountKey={secret}", out _, out var error));
        Assert.Contains("AccountKey is not valid base64", error, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Account_ToString_NamesAuthButNotKey()
    {
        var text = StorageAccount.Parse($"AccountName=acct;AccountKey={Key}").ToString();

        Assert.Contains("SharedKey", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Key[..10], text, StringComparison.Ordinal);
    }

    [Fact]
    public void ForTokenCredential_EndpointsDefaultOrOverride()
    {
        var defaults = StorageAccount.ForTokenCredential("hybridstore", null, null);
        var custom = StorageAccount.ForTokenCredential("hybridstore", new Uri("http://127.0.0.1:5/hybridstore/"), null);

        Assert.Equal("https://hybridstore.queue.core.windows.net/", defaults.QueueEndpoint.AbsoluteUri);
        Assert.Equal("https://hybridstore.table.core.windows.net/", defaults.TableEndpoint.AbsoluteUri);
        Assert.Null(defaults.SharedKey);
        Assert.Equal("http://127.0.0.1:5/hybridstore", custom.QueueEndpoint.AbsoluteUri);
    }
}
