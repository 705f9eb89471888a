using System.Net.Http.Headers;
using Hybrid.Functions.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.UnitTests.Storage;

public sealed class SharedKeySigningTests
{
    // Azurite's public development key; the HMAC vectors below were computed independently with
    // `openssl dgst -sha256 -mac HMAC -macopt hexkey:<key as hex> -binary | base64`.
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    // The REST reference's ("Authorize with Shared Key") canonicalization example for Get Container Metadata.
    private const string DocumentedStringToSign =
        "GET\n\n\n\n\n\n\n\n\n\n\n\n" +
        "x-ms-date:Sun, 11 Oct 2009 21:49:13 GMT\nx-ms-version:2009-09-19\n" +
        "/myaccount/myaccount/mycontainer\ncomp:metadata\nrestype:container\ntimeout:20";

    private static StorageSharedKey Key(string account = "devstoreaccount1") => new(account, Convert.FromBase64String(DevelopmentKey));

    [Fact]
    public void QueueStringToSign_DocumentedExample_MatchesReference()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:10001/myaccount/mycontainer?restype=container&comp=metadata&timeout=20");
        request.Headers.TryAddWithoutValidation("x-ms-version", "2009-09-19");
        request.Headers.TryAddWithoutValidation("x-ms-date", "Sun, 11 Oct 2009 21:49:13 GMT");

        Assert.Equal(DocumentedStringToSign, SharedKeySigning.QueueStringToSign(request, "myaccount"));
    }

    [Fact]
    public void Sign_DocumentedString_MatchesOpensslHmac()
    {
        Assert.Equal("Su5rvibNeMxB7A4I87rOtEgCDtdICsL8v5H+yJs0W+M=", Key().Sign(DocumentedStringToSign));
    }

    [Fact]
    public void QueueStringToSign_PutMessage_SignsLengthTypeConditionsAndSortedHeaders()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:10001/devstoreaccount1/telemetry/messages?visibilitytimeout=0&messagettl=-1");
        request.Content = new ByteArrayContent(new byte[57]);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        request.Headers.TryAddWithoutValidation("x-ms-version", "2025-01-05");
        request.Headers.TryAddWithoutValidation("X-MS-Date", "Mon, 23 Nov 2026 10:00:00 GMT");
        request.Headers.TryAddWithoutValidation("x-ms-client-request-id", "  abc  ");
        request.Headers.TryAddWithoutValidation("If-Match", "\"0x8D\"");

        var expected =
            "POST\n\n\n57\n\napplication/xml\n\n\n\"0x8D\"\n\n\n\n" +
            "x-ms-client-request-id:abc\nx-ms-date:Mon, 23 Nov 2026 10:00:00 GMT\nx-ms-version:2025-01-05\n" +
            "/devstoreaccount1/devstoreaccount1/telemetry/messages\nmessagettl:-1\nvisibilitytimeout:0";
        Assert.Equal(expected, SharedKeySigning.QueueStringToSign(request, "devstoreaccount1"));
    }

    [Fact]
    public void QueueStringToSign_ZeroLengthBodyAndEscapedQuery_SignsEmptyLengthAndDecodedValues()
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, "https://acct.queue.core.windows.net/q/messages/id1?popreceipt=AgAAAA%2BZ%3D%3D");
        request.Content = new ByteArrayContent([]);

        var text = SharedKeySigning.QueueStringToSign(request, "acct");

        Assert.StartsWith("DELETE\n\n\n\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\n/acct/q/messages/id1\npopreceipt:AgAAAA+Z==", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TableStringToSign_Replace_SignsVerbTypeDateAndResourceWithCompOnly()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "http://127.0.0.1:10002/devstoreaccount1/wm(PartitionKey='d',RowKey='e')?timeout=5");
        request.Content = new ByteArrayContent("{}"u8.ToArray());
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("x-ms-date", "Mon, 23 Nov 2026 10:00:00 GMT");
        request.Headers.TryAddWithoutValidation("If-Match", "W/\"datetime'2026'\"");
        using var list = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:10002/devstoreaccount1/Tables?comp=list&$top=1");
        list.Headers.TryAddWithoutValidation("x-ms-date", "Mon, 23 Nov 2026 10:00:00 GMT");

        var text = SharedKeySigning.TableStringToSign(request, "devstoreaccount1");

        Assert.Equal("PUT\n\napplication/json\nMon, 23 Nov 2026 10:00:00 GMT\n/devstoreaccount1/devstoreaccount1/wm(PartitionKey='d',RowKey='e')", text);
        Assert.Equal("fb/bZiYYf8nw5/GG6s3QoJE7EEcGX6CQJ0hZsAA9LIs=", Key().Sign(text));
        Assert.Equal("GET\n\n\nMon, 23 Nov 2026 10:00:00 GMT\n/devstoreaccount1/devstoreaccount1/Tables?comp=list",
            SharedKeySigning.TableStringToSign(list, "devstoreaccount1"));
    }

    [Fact]
    public void Sign_Twice_ReplacesDateAndAuthorizationForTheRetry()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        using var request = new HttpRequestMessage(HttpMethod.Put, "http://127.0.0.1:10002/devstoreaccount1/wm(PartitionKey='d',RowKey='e')");
        request.Content = new ByteArrayContent("{}"u8.ToArray());
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Options.Set(StorageRequestOptions.Service, StorageService.Table);

        SharedKeyHandler.Sign(request, Key(), time.GetUtcNow());
        var first = request.Headers.Authorization!.ToString();
        time.Advance(TimeSpan.FromSeconds(1));
        SharedKeyHandler.Sign(request, Key(), time.GetUtcNow());

        Assert.Equal("SharedKey devstoreaccount1:fb/bZiYYf8nw5/GG6s3QoJE7EEcGX6CQJ0hZsAA9LIs=", first);
        Assert.Equal(["Mon, 23 Nov 2026 10:00:01 GMT"], request.Headers.GetValues("x-ms-date"));
        Assert.NotEqual(first, request.Headers.Authorization!.ToString());
    }

    [Fact]
    public void SharedKey_ToString_NeverShowsTheKey()
    {
        var text = Key().ToString();

        Assert.Contains("devstoreaccount1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Eby8", text, StringComparison.Ordinal);
    }
}
