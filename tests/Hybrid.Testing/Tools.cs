namespace Hybrid.Testing;

/// <summary>Paths of the external programs the fixtures run; installed by the README's commands.</summary>
public static class Tools
{
    /// <summary>The broker; Debian installs it under /usr/sbin, which a non-login PATH may lack.</summary>
    public static string Mosquitto { get; } = Find("mosquitto", "/usr/sbin/mosquitto");

    /// <summary>The command-line publisher from <c>mosquitto-clients</c>.</summary>
    public static string MosquittoPub { get; } = Find("mosquitto_pub", "/usr/bin/mosquitto_pub");

    /// <summary>The command-line subscriber from <c>mosquitto-clients</c>.</summary>
    public static string MosquittoSub { get; } = Find("mosquitto_sub", "/usr/bin/mosquitto_sub");

    private static string Find(string name, string fallback)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return File.Exists(fallback)
            ? fallback
            : throw new InvalidOperationException($"'{name}' is not installed. Run './hybrid test', which installs it (apt: mosquitto mosquitto-clients).");
    }
}
