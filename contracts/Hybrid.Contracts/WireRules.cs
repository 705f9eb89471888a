using System.Text.RegularExpressions;

namespace Hybrid.Contracts;

/// <summary>Identifier rules of wire contract v1 that both sides enforce.</summary>
public static partial class WireRules
{
    /// <summary>Upper bound of a device id's length.</summary>
    public const int MaxDeviceLength = 64;

    /// <summary>Upper bound of a type's length.</summary>
    public const int MaxTypeLength = 128;

    /// <summary>Upper bound of a payload's serialized size.</summary>
    public const int MaxPayloadBytes = 32 * 1024;

    /// <summary>Upper bound of items per batch.</summary>
    public const int MaxBatchItems = 1000;

    /// <summary>True when <paramref name="device"/> matches <c>[A-Za-z0-9._-]{1,64}</c>.</summary>
    public static bool IsValidDevice(string? device) => device is not null && DeviceRegex().IsMatch(device);

    /// <summary>True when <paramref name="type"/> matches <c>[a-z0-9._-]{1,128}</c>.</summary>
    public static bool IsValidType(string? type) => type is not null && TypeRegex().IsMatch(type);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex DeviceRegex();

    [GeneratedRegex("^[a-z0-9._-]{1,128}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex TypeRegex();
}
