using System.Globalization;

namespace Hybrid.Functions.Hosting;

/// <summary>Hosting concerns shared by <c>func start</c> (custom handler) and standalone runs.</summary>
internal static class FunctionHostExtensions
{
    /// <summary>The Functions host tells a custom handler which port to listen on through this variable.</summary>
    public const string CustomHandlerPortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    public static WebApplicationBuilder ConfigureFunctionHost(this WebApplicationBuilder builder)
    {
        var port = builder.Configuration[CustomHandlerPortVariable];
        if (!string.IsNullOrEmpty(port))
        {
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value is < 1 or > 65535)
            {
                throw new InvalidOperationException($"{CustomHandlerPortVariable} must be a TCP port number (1-65535), got '{port}'.");
            }

            // Under the Functions host only the host itself talks to us, over loopback.
            builder.WebHost.UseUrls($"http://127.0.0.1:{value}");
        }

        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, FunctionJsonContext.Default));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
            o.UseUtcTimestamp = true;
        });
        return builder;
    }
}
