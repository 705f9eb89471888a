using System.Runtime.InteropServices;

namespace Hybrid.Edge.Mqtt;

/// <summary>Owns one <c>struct mosquitto*</c>; releasing it calls <c>mosquitto_destroy</c> exactly once.</summary>
internal sealed class SafeMosquittoHandle : SafeHandle
{
    public SafeMosquittoHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        Interop.Mosquitto.Destroy(handle);
        return true;
    }
}
