namespace Hybrid.Contracts;

/// <summary>
/// Epoch ids are ULIDs: 26 Crockford base-32 characters, a 48-bit millisecond timestamp then 80 random bits.
/// They sort by creation time and never repeat, so a recreated store can never collide with an old one.
/// </summary>
public static class EpochId
{
    /// <summary>Length of an epoch id.</summary>
    public const int Length = 26;

    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>Creates a new epoch id stamped with <paramref name="time"/>'s current UTC time.</summary>
    public static string New(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        Span<byte> bytes = stackalloc byte[16];
        var ms = (ulong)time.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 5; i >= 0; i--)
        {
            bytes[i] = (byte)ms;
            ms >>= 8;
        }

        // 80 random bits from a version-4 Guid, which .NET fills from the operating system's CSPRNG (getrandom or
        // /dev/urandom on Linux, BCryptGenRandom on Windows); bytes 0-5 and 10-13 carry no version or variant bits.
        // RandomNumberGenerator would do as well, but on Linux it is OpenSSL's: creating a store loaded libcrypto and
        // libssl (3.6 MB of RSS) into an edge agent that otherwise needs no TLS at all.
        Span<byte> guid = stackalloc byte[16];
        _ = Guid.NewGuid().TryWriteBytes(guid);
        guid[..6].CopyTo(bytes[6..]);
        guid[10..14].CopyTo(bytes[12..]);
        return Encode(bytes);
    }

    /// <summary>True when <paramref name="value"/> is a well-formed epoch id (upper-case Crockford base 32, 26 chars).</summary>
    public static bool IsValid(ReadOnlySpan<char> value)
    {
        if (value.Length != Length || value[0] > '7')
        {
            // The first character carries only 3 bits of the 128-bit value.
            return false;
        }

        foreach (var c in value)
        {
            if (!Alphabet.Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static string Encode(ReadOnlySpan<byte> bytes)
    {
        // 128 bits -> 26 base-32 digits, most significant first.
        var hi = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
        var lo = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        var value = ((UInt128)hi << 64) | lo;
        return string.Create(Length, value, static (chars, v) =>
        {
            for (var i = Length - 1; i >= 0; i--)
            {
                chars[i] = Alphabet[(int)(v & 31)];
                v >>= 5;
            }
        });
    }
}
