using System.ComponentModel.DataAnnotations;

namespace Hybrid.Edge.Hosting;

/// <summary>Agent-wide settings, section <c>Hybrid:Agent</c> (environment: <c>Hybrid__Agent__*</c>).</summary>
internal sealed class AgentOptions
{
    public const string SectionName = "Hybrid:Agent";

    /// <summary>Device id sent with every batch; empty means the machine's host name.</summary>
    [RegularExpression("^[A-Za-z0-9._-]{0,64}$", ErrorMessage = "Hybrid:Agent:DeviceId must be 1 to 64 characters from A-Z a-z 0-9 . _ - ; leave it empty to use the host name.")]
    public string DeviceId { get; set; } = "";

    /// <summary>Directory holding the store; relative paths are resolved against the working directory.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Hybrid:Agent:DataDirectory is required, e.g. /var/lib/hybrid.")]
    public string DataDirectory { get; set; } = "data";

    /// <summary>Console log format: <c>Text</c> for people, <c>Json</c> for journald and log shippers.</summary>
    public LogFormat LogFormat { get; set; } = LogFormat.Text;

    /// <summary>The effective device id: <see cref="DeviceId"/>, or the sanitized host name when it is empty.</summary>
    public string EffectiveDeviceId => DeviceId.Length > 0 ? DeviceId : DeviceIdFromHostName(Environment.MachineName);

    internal static string DeviceIdFromHostName(string hostName)
    {
        var chars = hostName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-').Take(64).ToArray();
        return chars.Length == 0 ? "edge" : new string(chars);
    }
}

/// <summary>Console log formats.</summary>
internal enum LogFormat
{
    Text,
    Json,
}
