using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;

namespace Hybrid.Edge.Mqtt;

/// <summary>
/// TLS for one connection from <see cref="MqttTlsOptions"/>: the CA file as the only trust anchor (when given), the
/// client certificate, and the broker host name check unless <see cref="MqttTlsOptions.Insecure"/>. The validation
/// callback keeps the reason of the last rejection, so that the connect failure can say what to fix (SslStream only
/// reports that the callback said no).
/// </summary>
internal sealed class MqttTls
{
    private readonly X509Certificate2Collection? _trust;
    private readonly bool _insecure;
    private volatile string? _failure;

    private MqttTls(X509Certificate2Collection? trust, X509Certificate2Collection? clientCertificates, bool insecure)
    {
        _trust = trust;
        _insecure = insecure;
        ClientCertificates = clientCertificates;
    }

    public X509Certificate2Collection? ClientCertificates { get; }

    /// <summary>Why the broker's certificate was last rejected; null when it was not.</summary>
    public string? Failure => _failure;

    /// <summary>Loads the files; throws <see cref="MqttConfigurationException"/> naming the setting when they cannot be read.</summary>
    public static MqttTls Load(MqttTlsOptions tls)
    {
        try
        {
            X509Certificate2Collection? trust = null;
            if (tls.CaFile.Length > 0)
            {
                trust = [];
                trust.ImportFromPemFile(tls.CaFile);
                if (trust.Count == 0)
                {
                    throw new InvalidDataException($"no PEM certificate in '{tls.CaFile}'");
                }
            }

            X509Certificate2Collection? client = null;
            if (tls.CertFile.Length > 0)
            {
                client = [X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile.Length > 0 ? tls.KeyFile : null)];
            }

            return new MqttTls(trust, client, tls.Insecure);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new MqttConfigurationException($"Hybrid:Mqtt:Tls: cannot load the TLS files (CaFile '{tls.CaFile}', CertFile '{tls.CertFile}', KeyFile '{tls.KeyFile}'): {ex.Message}. Check that the files exist, are readable PEM, and that CertFile and KeyFile are given together.", ex);
        }
    }

    /// <summary>MQTTnet's TLS options for a broker reached as <paramref name="host"/>.</summary>
    public MqttClientTlsOptions Options(string host)
    {
        var builder = new MqttClientTlsOptionsBuilder()
            .UseTls()
            .WithTargetHost(host)
            .WithSslProtocols(System.Security.Authentication.SslProtocols.None)
            .WithCertificateValidationHandler(Validate);
        if (ClientCertificates is not null)
        {
            builder.WithClientCertificates(ClientCertificates);
        }

        return builder.Build();
    }

    /// <summary>Forgets the previous attempt's failure.</summary>
    public void Reset() => _failure = null;

    private bool Validate(MqttClientCertificateValidationEventArgs e)
    {
        var errors = e.SslPolicyErrors;
        if (_insecure)
        {
            errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
        }

        if (e.Certificate is null)
        {
            _failure = "the broker sent no certificate";
            return false;
        }

        if (_trust is not null)
        {
            // The CA file replaces the system store: chain errors from the default validation are re-judged here.
            errors &= ~SslPolicyErrors.RemoteCertificateChainErrors;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(_trust);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (e.Chain is { } presented)
            {
                foreach (var element in presented.ChainElements)
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }

            var certificate = e.Certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(e.Certificate.GetRawCertData());
            if (!chain.Build(certificate))
            {
                var status = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
                _failure = $"certificate verify failed ({status}): the broker certificate '{certificate.Subject}' is not signed by Hybrid:Mqtt:Tls:CaFile";
                return false;
            }
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            _failure = "certificate verify failed: the broker certificate does not name the host in Hybrid:Mqtt:Host (use a name or address the certificate lists; Hybrid:Mqtt:Tls:Insecure skips this check, for tests only)";
            return false;
        }

        if (errors != SslPolicyErrors.None)
        {
            _failure = $"certificate verify failed ({errors})";
            return false;
        }

        return true;
    }
}
