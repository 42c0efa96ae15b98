namespace OneGate.AppHost;

/// <summary>
/// Development and tests reach the e-wallets through OneGate.ProviderSandbox, our service that speaks the
/// GoPay and ShopeePay protocols with credentials generated here. Run mode only: a published manifest has
/// no sandbox and the deployment supplies the real providers' URLs and secrets.
/// </summary>
internal static class ProviderSandboxExtensions
{
    public static IResourceBuilder<ProjectResource> WithProviderSandbox(this IResourceBuilder<ProjectResource> payment)
    {
        var builder = payment.ApplicationBuilder;
        if (!builder.ExecutionContext.IsRunMode)
        {
            return payment;
        }

        var secret = new GenerateParameterDefault { MinLength = 32, Special = false };
        var goPaySecret = builder.AddParameter("gopay-client-secret", secret, secret: true, persist: true);
        var goPayServerKey = builder.AddParameter("gopay-server-key", secret, secret: true, persist: true);
        var shopeePaySecret = builder.AddParameter("shopeepay-partner-secret", secret, secret: true, persist: true);
        const string goPayClientId = "onegate-dev";
        const string shopeePayPartnerId = "onegate-dev";

        var sandbox = builder.AddProject<Projects.OneGate_ProviderSandbox>("provider-sandbox")
            .WithEnvironment("Sandbox__GoPay__ClientId", goPayClientId)
            .WithEnvironment("Sandbox__GoPay__ClientSecret", goPaySecret)
            .WithEnvironment("Sandbox__GoPay__ServerKey", goPayServerKey)
            .WithEnvironment("Sandbox__ShopeePay__PartnerId", shopeePayPartnerId)
            .WithEnvironment("Sandbox__ShopeePay__PartnerSecret", shopeePaySecret)
            .WithHttpHealthCheck("/health")
            .WithFastShutdown();

        var sandboxUrl = sandbox.GetEndpoint("http");
        return payment
            .WithEnvironment("Providers__GoPay__BaseUrl", sandboxUrl)
            .WithEnvironment("Providers__GoPay__ClientId", goPayClientId)
            .WithEnvironment("Providers__GoPay__ClientSecret", goPaySecret)
            .WithEnvironment("Providers__GoPay__ServerKey", goPayServerKey)
            .WithEnvironment("Providers__ShopeePay__BaseUrl", sandboxUrl)
            .WithEnvironment("Providers__ShopeePay__PartnerId", shopeePayPartnerId)
            .WithEnvironment("Providers__ShopeePay__PartnerSecret", shopeePaySecret)
            .WithEnvironment("Providers__CallbackBaseUrl", payment.GetEndpoint("http"))
            .WaitFor(sandbox);
    }
}
