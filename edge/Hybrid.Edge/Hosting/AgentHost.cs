using Hybrid.Edge.Capture;
using Hybrid.Edge.Mqtt;
using Hybrid.Edge.Status;
using Hybrid.Edge.Store;
using Hybrid.Edge.Uplink;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hybrid.Edge.Hosting;

/// <summary>Builds the agent's generic host: configuration, logging, validated options and services.</summary>
internal static class AgentHost
{
    /// <summary>
    /// Configuration sources, later wins: <c>appsettings.json</c> beside the executable, the file given with
    /// <c>--config</c>, environment variables (<c>Hybrid__Agent__DeviceId</c>, …), then command-line switches
    /// (<paramref name="switches"/>, e.g. <c>--stdin</c>).
    /// </summary>
    public static HostApplicationBuilder CreateBuilder(string? configFile, IReadOnlyDictionary<string, string?>? switches = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false);
        if (configFile is not null)
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }

        builder.Configuration.AddEnvironmentVariables();
        if (switches is { Count: > 0 })
        {
            builder.Configuration.AddInMemoryCollection(switches);
        }

        ConfigureLogging(builder);
        builder.Services.AddSystemd();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        builder.Services.AddOptionsWithValidateOnStart<AgentOptions>()
            .Bind(builder.Configuration.GetSection(AgentOptions.SectionName));
        builder.Services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<AgentLifetimeLogger>();
        builder.Services.AddHostedService<SystemdWatchdog>();
        builder.Services.AddStore(builder.Configuration);
        builder.Services.AddMqtt(builder.Configuration);
        builder.Services.AddUplink(builder.Configuration);
        builder.Services.AddCapture(builder.Configuration);
        builder.Services.AddStatusEndpoint(builder.Configuration);
        return builder;
    }

    private static void ConfigureLogging(HostApplicationBuilder builder)
    {
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        var format = builder.Configuration.GetSection(AgentOptions.SectionName).GetValue(nameof(AgentOptions.LogFormat), LogFormat.Text);
        if (format == LogFormat.Json)
        {
            builder.Logging.AddJsonConsole(o => o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ");
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
                o.UseUtcTimestamp = true;
            });
        }
    }

    /// <summary>
    /// Runs every options validator registered with <c>ValidateOnStart</c> (the ones <c>run</c> would run at start)
    /// and returns all failure messages, of every section (empty when valid).
    /// </summary>
    public static IReadOnlyList<string> Validate(IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            return [];
        }
        catch (OptionsValidationException ex)
        {
            return [.. ex.Failures];
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(inner => inner is OptionsValidationException))
        {
            // More than one section failed.
            return [.. ex.InnerExceptions.Cast<OptionsValidationException>().SelectMany(inner => inner.Failures)];
        }
    }
}
