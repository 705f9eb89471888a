using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hybrid.Testing;

namespace Hybrid.UnitTests.Infra;

/// <summary>
/// Bicep cannot be compiled on CI, so these tests hold infra/main.bicep to what the code reads: every
/// <c>Hybrid__…</c> app setting it sets must bind to an options property of the Function app, and the names
/// it shares with host.json and the code's defaults must agree.
/// </summary>
public sealed partial class BicepSettingsTests
{
    private static readonly string Bicep = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "infra", "main.bicep"));

    public static TheoryData<string> HybridSettings() => new(SettingNames());

    private static List<string> SettingNames() =>
        SettingName().Matches(Bicep).Select(m => m.Groups["name"].Value)
            // Route settings are built per index in Bicep: check the shape with index 0.
            .Select(n => n.Replace("${i}", "0", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();

    [Fact]
    public void Bicep_SetsTheSettingsTheFunctionNeedsInAzure()
    {
        var names = SettingNames();

        Assert.Contains("Hybrid__Ingest__RequireFunctionKey", names);
        Assert.Contains("Hybrid__Storage__AccountName", names);
        Assert.Contains("Hybrid__Storage__WatermarkTable", names);
        Assert.Contains("Hybrid__Routing__DefaultQueue", names);
        Assert.Contains("Hybrid__Routing__RejectedQueue", names);
        Assert.Contains("Hybrid__Routing__Routes__0__Pattern", names);
        Assert.Contains("Hybrid__Routing__Routes__0__Queue", names);
    }

    [Theory]
    [MemberData(nameof(HybridSettings))]
    public void BicepSetting_BindsToAnOptionsPropertyOfTheFunctionApp(string setting)
    {
        var path = setting.Split("__");
        var section = $"{path[0]}:{path[1]}";
        var options = OptionsTypeFor(section);
        Assert.True(options is not null, $"{setting}: no options class of the Function app binds section '{section}'.");

        var type = options!;
        foreach (var segment in path.Skip(2))
        {
            if (int.TryParse(segment, out _))
            {
                type = ElementType(type) ?? throw new Xunit.Sdk.XunitException($"{setting}: '{type.Name}' is not a list.");
                continue;
            }

            var property = type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            Assert.True(property is not null, $"{setting}: '{type.Name}' has no property '{segment}'.");
            type = property!.PropertyType;
        }
    }

    [Fact]
    public void BicepDefaults_MatchTheFunctionDefaults()
    {
        Assert.Equal(DefaultOf("Hybrid:Storage", "WatermarkTable"), BicepParamDefault("watermarkTable"));
        Assert.Equal(DefaultOf("Hybrid:Routing", "DefaultQueue"), BicepParamDefault("defaultQueue"));
        Assert.Equal(DefaultOf("Hybrid:Routing", "RejectedQueue"), BicepParamDefault("rejectedQueue"));
    }

    private static string DefaultOf(string section, string property)
    {
        var options = Activator.CreateInstance(OptionsTypeFor(section)!)!;
        return (string)options.GetType().GetProperty(property)!.GetValue(options)!;
    }

    [Fact]
    public void FunctionApp_RunsOnDotnetIsolatedOfTheBuiltFramework()
    {
        var runtime = Regex.Match(Bicep, @"runtime:\s*\{\s*name:\s*'(?<name>[^']+)'\s*version:\s*'(?<version>[^']+)'");
        var framework = typeof(Hybrid.Functions.Ingest.StorageUnavailableException).Assembly
            .GetCustomAttribute<System.Runtime.Versioning.TargetFrameworkAttribute>()!.FrameworkName;

        Assert.True(runtime.Success, "main.bicep sets no functionAppConfig.runtime { name, version }.");
        Assert.Equal("dotnet-isolated", runtime.Groups["name"].Value);
        Assert.Equal($".NETCoreApp,Version=v{runtime.Groups["version"].Value}", framework);
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "functions", "Hybrid.Functions", "host.json")));
        Assert.False(host.RootElement.TryGetProperty("customHandler", out _), "host.json still configures a custom handler.");
    }

    [Fact]
    public void Bicep_BoundsLogRetentionAndDeploysTheSiteAfterItsContainer()
    {
        Assert.Matches(@"@minValue\(30\)\s*@maxValue\(730\)\s*param logRetentionDays int", Bicep);
        Assert.Matches(@"dependsOn:\s*\[\s*storage::blobs::deploymentContainer", Bicep);
    }

    [Fact]
    public void StorageAccount_DisallowsSharedKeysAndPublicBlobs()
    {
        Assert.Matches(@"allowSharedKeyAccess:\s*false", Bicep);
        Assert.Matches(@"allowBlobPublicAccess:\s*false", Bicep);
        Assert.Matches(@"minimumTlsVersion:\s*'TLS1_2'", Bicep);
    }

    private static Type? OptionsTypeFor(string section) =>
        typeof(Hybrid.Functions.Ingest.StorageUnavailableException).Assembly.GetTypes().FirstOrDefault(t =>
            t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field &&
            (string?)field.GetRawConstantValue() == section);

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[0]
        : null;

    private static string BicepParamDefault(string name)
    {
        var match = Regex.Match(Bicep, $@"param {name} string = '(?<value>[^']*)'");
        Assert.True(match.Success, $"main.bicep has no string param '{name}' with a default.");
        return match.Groups["value"].Value;
    }

    [GeneratedRegex(@"'?(?<name>Hybrid__[A-Za-z0-9_${}]+)'?\s*:")]
    private static partial Regex SettingName();
}
