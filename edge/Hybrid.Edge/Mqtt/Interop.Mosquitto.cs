using System.Runtime.InteropServices;

namespace Hybrid.Edge.Mqtt;

/// <summary>
/// Raw imports of libmosquitto 2.x (<c>libmosquitto.so.1</c>). Reference: https://mosquitto.org/api/files/mosquitto-h.html.
/// Only <see cref="MosquittoClient"/> calls these; everything else goes through <see cref="IMqttClient"/>.
/// </summary>
internal static unsafe partial class Interop
{
    internal static partial class Mosquitto
    {
        internal const string Library = "libmosquitto.so.1";

        // enum mosq_err_t
        internal const int MOSQ_ERR_CONN_PENDING = -1;
        internal const int MOSQ_ERR_SUCCESS = 0;
        internal const int MOSQ_ERR_NOMEM = 1;
        internal const int MOSQ_ERR_PROTOCOL = 2;
        internal const int MOSQ_ERR_INVAL = 3;
        internal const int MOSQ_ERR_NO_CONN = 4;
        internal const int MOSQ_ERR_CONN_REFUSED = 5;
        internal const int MOSQ_ERR_NOT_FOUND = 6;
        internal const int MOSQ_ERR_CONN_LOST = 7;
        internal const int MOSQ_ERR_TLS = 8;
        internal const int MOSQ_ERR_PAYLOAD_SIZE = 9;
        internal const int MOSQ_ERR_NOT_SUPPORTED = 10;
        internal const int MOSQ_ERR_AUTH = 11;
        internal const int MOSQ_ERR_ACL_DENIED = 12;
        internal const int MOSQ_ERR_ERRNO = 14;
        internal const int MOSQ_ERR_EAI = 15;
        internal const int MOSQ_ERR_MALFORMED_UTF8 = 18;
        internal const int MOSQ_ERR_KEEPALIVE = 19;
        internal const int MOSQ_ERR_TLS_HANDSHAKE = 23;
        internal const int MOSQ_ERR_QOS_NOT_SUPPORTED = 24;
        internal const int MOSQ_ERR_OVERSIZE_PACKET = 25;

        // enum mosq_opt_t
        internal const int MOSQ_OPT_PROTOCOL_VERSION = 1;
        internal const int MOSQ_OPT_RECEIVE_MAXIMUM = 4;
        internal const int MOSQ_OPT_SEND_MAXIMUM = 5;
        internal const int MOSQ_OPT_TCP_NODELAY = 11;

        internal const int MQTT_PROTOCOL_V311 = 4;
        internal const int MQTT_PROTOCOL_V5 = 5;

        // Log levels (MOSQ_LOG_*).
        internal const int MOSQ_LOG_WARNING = 0x04;
        internal const int MOSQ_LOG_ERR = 0x08;

        /// <summary>struct mosquitto_message.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct Message
        {
            public int Mid;
            public byte* Topic;
            public byte* Payload;
            public int PayloadLength;
            public int Qos;
            public byte Retain;
        }

        /// <summary>mosquitto_lib_init: https://mosquitto.org/api/files/mosquitto-h.html#mosquitto_lib_init</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_lib_init")]
        internal static partial int LibInit();

        /// <summary>mosquitto_lib_cleanup.</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_lib_cleanup")]
        internal static partial int LibCleanup();

        /// <summary>mosquitto_new: <paramref name="obj"/> is handed back to every callback (our GCHandle).</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_new", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial SafeMosquittoHandle New(string? id, [MarshalAs(UnmanagedType.U1)] bool cleanSession, IntPtr obj);

        /// <summary>mosquitto_destroy; only <see cref="SafeMosquittoHandle"/> calls it.</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_destroy")]
        internal static partial void Destroy(IntPtr mosq);

        /// <summary>mosquitto_int_option.</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_int_option")]
        internal static partial int IntOption(SafeMosquittoHandle mosq, int option, int value);

        /// <summary>mosquitto_threaded_set: we run the network loop on our own thread and publish from others.</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_threaded_set")]
        internal static partial int ThreadedSet(SafeMosquittoHandle mosq, [MarshalAs(UnmanagedType.U1)] bool threaded);

        /// <summary>mosquitto_username_pw_set.</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_username_pw_set", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int UsernamePasswordSet(SafeMosquittoHandle mosq, string? username, string? password);

        /// <summary>mosquitto_tls_set (no key password callback: keys must be unencrypted or protected by file permissions).</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_tls_set", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int TlsSet(SafeMosquittoHandle mosq, string? caFile, string? caPath, string? certFile, string? keyFile, IntPtr passwordCallback);

        /// <summary>mosquitto_tls_insecure_set: skips the host name check; only by explicit option.</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_tls_insecure_set")]
        internal static partial int TlsInsecureSet(SafeMosquittoHandle mosq, [MarshalAs(UnmanagedType.U1)] bool insecure);

        /// <summary>mosquitto_will_set.</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_will_set", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int WillSet(SafeMosquittoHandle mosq, string topic, int payloadLength, byte* payload, int qos, [MarshalAs(UnmanagedType.U1)] bool retain);

        /// <summary>mosquitto_connect: blocking TCP (and TLS) connect, then sends CONNECT; the CONNACK arrives in the loop.</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_connect", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Connect(SafeMosquittoHandle mosq, string host, int port, int keepalive);

        /// <summary>mosquitto_reconnect: reconnects with the settings of the last <see cref="Connect"/>.</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_reconnect")]
        internal static partial int Reconnect(SafeMosquittoHandle mosq);

        /// <summary>mosquitto_disconnect.</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_disconnect")]
        internal static partial int Disconnect(SafeMosquittoHandle mosq);

        /// <summary>mosquitto_loop: one select() round of network I/O, keepalive and retries.</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_loop")]
        internal static partial int Loop(SafeMosquittoHandle mosq, int timeoutMilliseconds, int maxPackets);

        /// <summary>mosquitto_publish; <paramref name="mid"/> receives the message id the publish callback reports.</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_publish", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Publish(SafeMosquittoHandle mosq, int* mid, string topic, int payloadLength, byte* payload, int qos, [MarshalAs(UnmanagedType.U1)] bool retain);

        /// <summary>mosquitto_subscribe.</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_subscribe", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Subscribe(SafeMosquittoHandle mosq, int* mid, string subscription, int qos);

        /// <summary>mosquitto_max_inflight_messages_set (also the MQTT 5 send maximum).</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_max_inflight_messages_set")]
        internal static partial int MaxInflightMessagesSet(SafeMosquittoHandle mosq, uint maxInflight);

        /// <summary>mosquitto_connect_v5_callback_set: also called for MQTT 3.1.1 connections (flags, no properties).</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_connect_v5_callback_set")]
        internal static partial void ConnectV5CallbackSet(SafeMosquittoHandle mosq, delegate* unmanaged<IntPtr, IntPtr, int, int, IntPtr, void> callback);

        /// <summary>mosquitto_disconnect_callback_set.</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_disconnect_callback_set")]
        internal static partial void DisconnectCallbackSet(SafeMosquittoHandle mosq, delegate* unmanaged<IntPtr, IntPtr, int, void> callback);

        /// <summary>mosquitto_publish_v5_callback_set: mid and the PUBACK/PUBCOMP reason code (0 for MQTT 3.1.1).</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_publish_v5_callback_set")]
        internal static partial void PublishV5CallbackSet(SafeMosquittoHandle mosq, delegate* unmanaged<IntPtr, IntPtr, int, int, IntPtr, void> callback);

        /// <summary>mosquitto_message_callback_set.</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_message_callback_set")]
        internal static partial void MessageCallbackSet(SafeMosquittoHandle mosq, delegate* unmanaged<IntPtr, IntPtr, Message*, void> callback);

        /// <summary>mosquitto_subscribe_callback_set.</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_subscribe_callback_set")]
        internal static partial void SubscribeCallbackSet(SafeMosquittoHandle mosq, delegate* unmanaged<IntPtr, IntPtr, int, int, int*, void> callback);

        /// <summary>mosquitto_log_callback_set: used to keep the last error line (e.g. the OpenSSL reason of a TLS failure).</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_log_callback_set")]
        internal static partial void LogCallbackSet(SafeMosquittoHandle mosq, delegate* unmanaged<IntPtr, IntPtr, int, byte*, void> callback);

        /// <summary>mosquitto_strerror.</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_strerror")]
        internal static partial byte* StrError(int error);

        /// <summary>mosquitto_connack_string (MQTT 3.1.1 CONNACK codes).</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_connack_string")]
        internal static partial byte* ConnackString(int code);

        /// <summary>mosquitto_reason_string (MQTT 5 reason codes).</summary>
        [LibraryImport(Library, EntryPoint = "mosquitto_reason_string")]
        internal static partial byte* ReasonString(int code);

        /// <summary>Text of a libmosquitto error code; for <c>MOSQ_ERR_ERRNO</c> the OS error the call left behind.</summary>
        internal static string ErrorText(int error, int errno = 0)
        {
            if (error == MOSQ_ERR_ERRNO && errno != 0)
            {
                return Marshal.GetPInvokeErrorMessage(errno);
            }

            return Marshal.PtrToStringUTF8((IntPtr)StrError(error)) ?? $"error {error}";
        }

        /// <summary>Text of a CONNACK refusal in the negotiated protocol.</summary>
        internal static string ConnackText(int code, bool v5) =>
            Marshal.PtrToStringUTF8((IntPtr)(v5 ? ReasonString(code) : ConnackString(code))) ?? $"code {code}";
    }
}
