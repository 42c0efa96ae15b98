namespace OneGate.Backoffice.Api;

/// <summary>The three audit trails (each service keeps its own chain) by the name the audit page uses.</summary>
public static class AuditTrails
{
    public static readonly string[] Names = ["auth", "payment", "transaction"];

    public static string Name(string? trail) => Names.Contains(trail) ? trail! : "auth";

    public static AdminServiceClient Client(IServiceProvider services, string? trail) => Name(trail) switch
    {
        "payment" => services.GetRequiredService<PaymentClient>(),
        "transaction" => services.GetRequiredService<TransactionClient>(),
        _ => services.GetRequiredService<AuthClient>(),
    };
}
