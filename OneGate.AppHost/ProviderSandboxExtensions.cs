using OneGate.AppHost.Infrastructure;

namespace OneGate.AppHost;

/// <summary>
/// Development and tests reach the e-wallets through OneGate.ProviderSandbox, which is the provider side of SNAP for
/// GoPay and ShopeePay, with credentials generated here: per provider a client secret, our RSA key pair (we sign
/// token requests, the sandbox verifies with the public half) and the sandbox's (it signs notifications, Payment
/// verifies with the public half). Public halves are derived here, never stored. Run mode only: a published
/// manifest has no sandbox and the deployment supplies the real providers' URLs, ids and keys.
/// </summary>
internal static class ProviderSandboxExtensions
{
    /// <summary>One partner registration: the options section name, the parameter prefix and the ids both sides agree on.</summary>
    private sealed record SandboxPartner(string Section, string ParameterPrefix, string PathPrefix, string ChannelId, string MerchantId)
    {
        public const string ClientId = "onegate-dev";
    }

    private static readonly SandboxPartner[] Partners =
    [
        new("GoPay", "gopay", "/gopay", "95221", "G099333790"),
        new("ShopeePay", "shopeepay", "/shopeepay", "95222", "SP77001234"),
    ];

    public static IResourceBuilder<ProjectResource> WithProviderSandbox(this IResourceBuilder<ProjectResource> payment)
    {
        var builder = payment.ApplicationBuilder;
        if (!builder.ExecutionContext.IsRunMode)
        {
            return payment;
        }

        var sandbox = builder.AddProject<Projects.OneGate_ProviderSandbox>("provider-sandbox")
            .WithHttpHealthCheck("/health")
            .WithFastShutdown();
        var sandboxUrl = sandbox.GetEndpoint("http");

        foreach (var partner in Partners)
        {
            Register(builder, partner, sandbox, payment, sandboxUrl);
        }

        return payment
            .WithEnvironment("Providers__CallbackBaseUrl", payment.GetEndpoint("http"))
            .WaitFor(sandbox);
    }

    private static void Register(IDistributedApplicationBuilder builder, SandboxPartner partner, IResourceBuilder<ProjectResource> sandbox,
        IResourceBuilder<ProjectResource> payment, EndpointReference sandboxUrl)
    {
        var secret = new GenerateParameterDefault { MinLength = 32, Special = false };
        var clientSecret = builder.AddParameter($"{partner.ParameterPrefix}-client-secret", secret, secret: true, persist: true);
        var partnerKey = builder.AddParameter($"{partner.ParameterPrefix}-partner-private-key", new GeneratedRsaKeyDefault(), secret: true, persist: true);
        var providerKey = builder.AddParameter($"{partner.ParameterPrefix}-provider-private-key", new GeneratedRsaKeyDefault(), secret: true, persist: true);

        var s = $"Sandbox__Providers__{partner.Section}__";
        sandbox
            .WithEnvironment(s + "PathPrefix", partner.PathPrefix)
            .WithEnvironment(s + "ClientId", SandboxPartner.ClientId)
            .WithEnvironment(s + "ClientSecret", clientSecret)
            .WithEnvironment(s + "PartnerId", SandboxPartner.ClientId)
            .WithEnvironment(s + "ChannelId", partner.ChannelId)
            .WithEnvironment(s + "MerchantId", partner.MerchantId)
            .WithEnvironment(s + "PrivateKeyPem", providerKey)
            .WithEnvironment(async context => context.EnvironmentVariables[s + "PartnerPublicKeyPem"] =
                GeneratedRsaKeyDefault.PublicKeyPem(await partnerKey.Resource.GetValueAsync(context.CancellationToken)));

        var p = $"Providers__{partner.Section}__";
        payment
            .WithEnvironment(p + "BaseUrl", sandboxUrl)
            .WithEnvironment(p + "PathPrefix", partner.PathPrefix)
            .WithEnvironment(p + "PartnerId", SandboxPartner.ClientId)
            .WithEnvironment(p + "ChannelId", partner.ChannelId)
            .WithEnvironment(p + "MerchantId", partner.MerchantId)
            .WithEnvironment(p + "ClientId", SandboxPartner.ClientId)
            .WithEnvironment(p + "ClientSecret", clientSecret)
            .WithEnvironment(p + "PrivateKeyPem", partnerKey)
            .WithEnvironment(async context => context.EnvironmentVariables[p + "ProviderPublicKeyPem"] =
                GeneratedRsaKeyDefault.PublicKeyPem(await providerKey.Resource.GetValueAsync(context.CancellationToken)));
    }
}
