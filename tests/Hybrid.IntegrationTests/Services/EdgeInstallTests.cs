using System.Globalization;
using System.Text.RegularExpressions;
using Hybrid.Testing;

namespace Hybrid.IntegrationTests.Services;

/// <summary>edge/install.sh into a staging root: what lands where, with which modes, and what an upgrade keeps.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class EdgeInstallTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static string Script => Path.Combine(RepositoryPaths.Root, "edge", "install.sh");

    [Fact]
    public async Task Install_ThenUpgrade_PlacesBinaryConfigSecretsAndUnit_UpgradeKeepsSettings()
    {
        using var dir = new TempDirectory("install");
        var binaries = Directory.CreateDirectory(Path.Combine(dir.Path, "out")).FullName;
        var root = Path.Combine(dir.Path, "root");
        await WriteAgentAsync(binaries, "v1");

        var first = await RunAsync("--binary-dir", binaries, "--root", root);
        Assert.Equal(0, first.Code);
        await File.WriteAllTextAsync(Path.Combine(root, "etc/hybrid-edge/edge.json"), "{\"Hybrid\":{\"Agent\":{\"DeviceId\":\"pi-kitchen\"}}}");
        await WriteAgentAsync(binaries, "v2");
        var upgrade = await RunAsync("--binary-dir", binaries, "--root", root);

        Assert.Equal(0, upgrade.Code);
        Assert.Contains("kept", upgrade.Output, StringComparison.Ordinal);
        Assert.Equal("{\"Hybrid\":{\"Agent\":{\"DeviceId\":\"pi-kitchen\"}}}", await File.ReadAllTextAsync(Path.Combine(root, "etc/hybrid-edge/edge.json")));
        Assert.Contains("v2", await File.ReadAllTextAsync(Path.Combine(root, "opt/hybrid-edge/hybrid-edge")), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, Mode(Path.Combine(root, "etc/hybrid-edge/edge.env")));
        Assert.True(Mode(Path.Combine(root, "opt/hybrid-edge/hybrid-edge")).HasFlag(UnixFileMode.UserExecute));
        var unit = await File.ReadAllTextAsync(Path.Combine(root, "etc/systemd/system/hybrid-edge.service"));
        foreach (var directive in new[] { "Type=notify", "DynamicUser=yes", "StateDirectory=hybrid-edge", "ProtectSystem=strict", "NoNewPrivileges=yes", "Restart=on-failure", "WatchdogSec=", "EnvironmentFile=-/etc/hybrid-edge/edge.env" })
        {
            Assert.Contains(directive, unit, StringComparison.Ordinal);
        }

        Assert.Empty(Directory.GetFiles(Path.Combine(root, "opt/hybrid-edge"), ".*"));
    }

    [Fact]
    public async Task Unit_SystemdSecurityAnalysis_ExposureAtMostTwo()
    {
        using var dir = new TempDirectory("install");
        var binaries = Directory.CreateDirectory(Path.Combine(dir.Path, "out")).FullName;
        var root = Path.Combine(dir.Path, "root");
        await WriteAgentAsync(binaries, "v1");
        Assert.Equal(0, (await RunAsync("--binary-dir", binaries, "--root", root)).Code);

        await using var analyze = ChildProcess.Start("systemd-analyze", ["security", "--offline=yes", $"--root={root}", Path.Combine(root, "etc/systemd/system/hybrid-edge.service")]);
        await analyze.WaitForExitAsync(Timeout);

        var match = Exposure().Match(analyze.Output);
        Assert.True(match.Success, analyze.Output);
        Assert.InRange(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), 0, 2.0);
    }

    [Fact]
    public async Task Install_NoPublishedAgent_ExitsOneSayingHowToPublish()
    {
        using var dir = new TempDirectory("install");

        var result = await RunAsync("--binary-dir", Path.Combine(dir.Path, "missing"), "--root", Path.Combine(dir.Path, "root"));

        Assert.Equal(1, result.Code);
        Assert.Contains("run ./hybrid publish-edge first", result.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "root")));
    }

    private static async Task WriteAgentAsync(string directory, string version)
    {
        var agent = Path.Combine(directory, "hybrid-edge");
        await File.WriteAllTextAsync(agent, $"#!/bin/sh\necho {version}\n");
        File.SetUnixFileMode(agent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await File.WriteAllTextAsync(Path.Combine(directory, "appsettings.json"), "{}");
    }

    private static UnixFileMode Mode(string path) => File.GetUnixFileMode(path) & (UnixFileMode)0x1FF;

    private static async Task<(int Code, string Output)> RunAsync(params string[] arguments)
    {
        await using var script = ChildProcess.Start("bash", [Script, .. arguments]);
        var code = await script.WaitForExitAsync(Timeout);
        return (code, script.Output);
    }

    [GeneratedRegex(@"Overall exposure level for hybrid-edge\.service: ([0-9.]+)")]
    private static partial Regex Exposure();
}
