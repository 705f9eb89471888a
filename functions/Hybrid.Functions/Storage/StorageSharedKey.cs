using System.Security.Cryptography;
using System.Text;

namespace Hybrid.Functions.Storage;

/// <summary>An account name and its decoded key; signs SharedKey strings. The key never leaves this type, not even in <see cref="ToString"/>.</summary>
internal sealed class StorageSharedKey
{
    private readonly byte[] _key;

    public StorageSharedKey(string accountName, byte[] key)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        ArgumentNullException.ThrowIfNull(key);
        AccountName = accountName;
        _key = key;
    }

    public string AccountName { get; }

    /// <summary>Base64 of HMAC-SHA256 over the UTF-8 string-to-sign, as the <c>Authorization: SharedKey account:signature</c> header wants it.</summary>
    public string Sign(string stringToSign)
    {
        ArgumentNullException.ThrowIfNull(stringToSign);
        var maxBytes = Encoding.UTF8.GetMaxByteCount(stringToSign.Length);
        var rented = maxBytes <= 1024 ? null : System.Buffers.ArrayPool<byte>.Shared.Rent(maxBytes);
        Span<byte> buffer = rented ?? stackalloc byte[1024];
        try
        {
            var length = Encoding.UTF8.GetBytes(stringToSign, buffer);
            Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(_key, buffer[..length], hash);
            return Convert.ToBase64String(hash);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public override string ToString() => $"SharedKey {{ AccountName = {AccountName}, Key = *** }}";
}
