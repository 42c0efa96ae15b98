using OneGate.AppHost.Infrastructure;

namespace OneGate.AppHost;

/// <summary>
/// Development and tests reach the e-wallets through OneGate.ProviderSandbox, which speaks SNAP for GoPay (under
/// <c>/gopay</c>) and ShopeePay (under <c>/shopeepay</c>) with credentials generated here: per provider a client
/// secret, our RSA key pair (B2B token signature) and the sandbox's (notification signature), each side getting the
/// other's public half. Run mode only: a published manifest has no sandbox and the deployment supplies the real
/// providers' URLs, identifiers and keys.
/// </summary>
internal static class ProviderSandboxExtensions
{
    /// <summary>Our identifiers at one sandboxed provider (what onboarding with the real one would issue).</summary>
    private sealed record SandboxedProvider(string Name, string Slug, string ClientId, string MerchantId)
    {
        public const string ChannelId = "95221";

        public string PathPrefix => "/" + Slug;
    }

    private static readonly SandboxedProvider[] Providers =
    [
        new("GoPay", "gopay", "onegate-gopay-dev", "G-ONEGATE-DEV"),
        new("ShopeePay", "shopeepay", "onegate-shopeepay-dev", "S-ONEGATE-DEV"),
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
        foreach (var provider in Providers)
        {
            Connect(payment, sandbox, provider);
        }

        return payment
            .WithEnvironment("Providers__CallbackBaseUrl", payment.GetEndpoint("http"))
            .WaitFor(sandbox);
    }

    /// <summary>Both sides of one provider: Payment's <c>Providers:{Name}</c> and the sandbox's <c>Sandbox:Providers:{Name}</c>.</summary>
    private static void Connect(IResourceBuilder<ProjectResource> payment, IResourceBuilder<ProjectResource> sandbox, SandboxedProvider provider)
    {
        var builder = payment.ApplicationBuilder;
        var clientSecret = builder.AddParameter($"{provider.Slug}-client-secret", new GenerateParameterDefault { MinLength = 40, Special = false },
            secret: true, persist: true);
        var partnerKey = builder.AddParameter($"{provider.Slug}-partner-private-key", new GeneratedRsaKeyDefault(), secret: true, persist: true);
        var sandboxKey = builder.AddParameter($"{provider.Slug}-sandbox-private-key", new GeneratedRsaKeyDefault(), secret: true, persist: true);

        var ours = $"Providers__{provider.Name}__";
        payment
            .WithEnvironment(ours + "BaseUrl", sandbox.GetEndpoint("http"))
            .WithEnvironment(ours + "PathPrefix", provider.PathPrefix)
            .WithEnvironment(ours + "PartnerId", provider.ClientId)
            .WithEnvironment(ours + "ChannelId", SandboxedProvider.ChannelId)
            .WithEnvironment(ours + "MerchantId", provider.MerchantId)
            .WithEnvironment(ours + "ClientId", provider.ClientId)
            .WithEnvironment(ours + "ClientSecret", clientSecret)
            .WithEnvironment(ours + "PrivateKeyPem", partnerKey)
            .WithEnvironment(async context => context.EnvironmentVariables[ours + "ProviderPublicKeyPem"] =
                GeneratedRsaKeyDefault.PublicKeyPem(await sandboxKey.Resource.GetValueAsync(context.CancellationToken), sandboxKey.Resource.Name));

        var theirs = $"Sandbox__Providers__{provider.Name}__";
        sandbox
            .WithEnvironment(theirs + "PathPrefix", provider.PathPrefix)
            .WithEnvironment(theirs + "ClientId", provider.ClientId)
            .WithEnvironment(theirs + "ClientSecret", clientSecret)
            .WithEnvironment(theirs + "PartnerId", provider.ClientId)
            .WithEnvironment(theirs + "ChannelId", SandboxedProvider.ChannelId)
            .WithEnvironment(theirs + "MerchantId", provider.MerchantId)
            .WithEnvironment(theirs + "PrivateKeyPem", sandboxKey)
            .WithEnvironment(async context => context.EnvironmentVariables[theirs + "PartnerPublicKeyPem"] =
                GeneratedRsaKeyDefault.PublicKeyPem(await partnerKey.Resource.GetValueAsync(context.CancellationToken), partnerKey.Resource.Name));
    }
}
