using System.Net;
using System.Text.Json;
using Hybrid.Edge.Capture;
using Hybrid.Edge.Hosting;
using Hybrid.Edge.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Hybrid.Edge.Status;

/// <summary>
/// The local HTTP endpoint: <c>GET /healthz</c> (200, or 503 with the reason), <c>GET /status</c> (JSON) on our own
/// <see cref="HttpListener"/>, and <c>GET /metrics</c> (Prometheus text) from the OpenTelemetry Prometheus exporter,
/// which shares the port. HttpListener rather than Kestrel: it comes with the runtime and keeps the native-AOT agent
/// small. A port already in use is logged, not fatal: forwarding readings matters more than reporting on them.
/// </summary>
internal sealed class StatusEndpointService(
    IOptions<StatusOptions> options,
    IOptions<AgentOptions> agent,
    IServiceProvider services,
    StatusReporter reporter,
    ILogger<StatusEndpointService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        using var metrics = new AgentMetrics(
            services.GetService<ReadingStore>(),
            reporter.Mqtt,
            reporter.Uplink,
            services.GetService<ExecCaptureService>(),
            services.GetService<IOptions<StdinCaptureOptions>>()?.Value.Enabled == true ? services.GetService<StdinCaptureService>() : null);
        using var listener = new HttpListener();
        listener.Prefixes.Add(settings.BaseUrl);
        MeterProvider? meterProvider = null;
        try
        {
            listener.Start();
            meterProvider = Sdk.CreateMeterProviderBuilder()
                .ConfigureResource(resource => resource.AddService("hybrid-edge", serviceInstanceId: agent.Value.EffectiveDeviceId))
                .AddMeter(AgentMetrics.MeterName)
                .AddPrometheusHttpListener(o =>
                {
                    o.Host = settings.Host;
                    o.Port = settings.Port;
                    o.ScrapeEndpointPath = "/metrics";
                })
                .Build();
        }
        catch (Exception ex) when (ex is HttpListenerException or InvalidOperationException or ArgumentException)
        {
            Log.StatusEndpointFailed(logger, settings.BaseUrl, ex.Message);
            return;
        }

        using (meterProvider)
        using (stoppingToken.Register(listener.Stop))
        {
            Log.StatusEndpointStarted(logger, settings.BaseUrl);
            while (!stoppingToken.IsCancellationRequested)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                _ = AnswerAsync(context, stoppingToken);
            }
        }
    }

    private async Task AnswerAsync(HttpListenerContext context, CancellationToken cancellationToken)
    {
        var response = context.Response;
        try
        {
            var path = context.Request.Url?.AbsolutePath ?? "/";
            if (context.Request.HttpMethod is not ("GET" or "HEAD"))
            {
                await WriteAsync(response, HttpStatusCode.MethodNotAllowed, "text/plain", "GET only\n"u8.ToArray()).ConfigureAwait(false);
            }
            else if (path == "/healthz")
            {
                var problem = reporter.Unhealthy();
                await WriteAsync(response, problem is null ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable, "text/plain", System.Text.Encoding.UTF8.GetBytes((problem ?? "ok") + "\n")).ConfigureAwait(false);
            }
            else if (path == "/status")
            {
                var document = await reporter.ReportAsync(cancellationToken).ConfigureAwait(false);
                await (document is null
                    ? WriteAsync(response, HttpStatusCode.ServiceUnavailable, "text/plain", "the store is not open yet\n"u8.ToArray())
                    : WriteAsync(response, HttpStatusCode.OK, "application/json", JsonSerializer.SerializeToUtf8Bytes(document, StatusJsonContext.Default.StatusDocument))).ConfigureAwait(false);
            }
            else
            {
                await WriteAsync(response, HttpStatusCode.NotFound, "text/plain", "try /healthz, /status or /metrics\n"u8.ToArray()).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away or the agent is stopping.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A fault building the answer: say so to the client and in the log rather than an empty 200.
            Log.StatusRequestFailed(logger, context.Request.Url?.AbsolutePath ?? "/", ex);
            try
            {
                await WriteAsync(response, HttpStatusCode.InternalServerError, "text/plain", System.Text.Encoding.UTF8.GetBytes($"error: {ex.Message}\n")).ConfigureAwait(false);
            }
            catch (Exception write) when (write is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                // Headers already sent, or the client went away.
            }
        }
        finally
        {
            response.Close();
        }
    }

    private static async Task WriteAsync(HttpListenerResponse response, HttpStatusCode status, string contentType, byte[] body)
    {
        response.StatusCode = (int)status;
        response.ContentType = contentType;
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
    }
}
