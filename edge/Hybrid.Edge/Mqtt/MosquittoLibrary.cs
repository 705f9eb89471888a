namespace Hybrid.Edge.Mqtt;

/// <summary>
/// Reference-counted <c>mosquitto_lib_init</c>/<c>mosquitto_lib_cleanup</c>: the library is initialised while at
/// least one client exists (the calls are not thread-safe, hence the lock).
/// </summary>
internal static class MosquittoLibrary
{
    private static readonly Lock Gate = new();
    private static int _users;

    public static void AddRef()
    {
        lock (Gate)
        {
            if (_users++ == 0)
            {
                _ = Interop.Mosquitto.LibInit();
            }
        }
    }

    public static void Release()
    {
        lock (Gate)
        {
            if (--_users == 0)
            {
                _ = Interop.Mosquitto.LibCleanup();
            }
        }
    }
}
