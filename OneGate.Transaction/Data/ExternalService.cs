namespace OneGate.Transaction.Data;

/// <summary>A regulator consuming the external API, e.g. Bank Indonesia or OJK (table <c>external_services</c>).</summary>
public sealed class ExternalService
{
    public int Id { get; set; }

    public required string Name { get; set; }

    /// <summary>Stable machine name, e.g. <c>BANK_INDONESIA</c>, <c>OJK</c>.</summary>
    public required string Code { get; set; }

    public string? Description { get; set; }

    public string? ContactEmail { get; set; }

    public bool IsActive { get; set; } = true;

    /// <summary>The permissions a new key of this service gets unless its issue names others.</summary>
    public ApiPermission[] Permissions { get; set; } = [ApiPermission.ReadTransactions, ApiPermission.ReadReports];

    /// <summary>The rate-limit windows a new key of this service gets unless its issue names others (<c>jsonb</c>).</summary>
    public List<RateLimitWindow> RateLimits { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public ICollection<ApiKey> ApiKeys { get; } = [];
}
