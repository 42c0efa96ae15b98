namespace OneGate.ServiceDefaults.Kafka;

/// <summary>Topic names shared by producers and consumers. Versioned: a breaking payload change gets a new topic.</summary>
public static class KafkaTopics
{
    /// <summary>Every committed money movement, keyed by account id so one account's events stay ordered.</summary>
    public const string Transactions = "onegate.transactions.v1";

    /// <summary>
    /// Auth's users as regulators' masking needs them (id, username, phone, status, version), one event per
    /// registration or change, keyed by user id so one user's events stay ordered.
    /// </summary>
    public const string Users = "onegate.users.v1";

    /// <summary>Plumbing checks (produce in one service, consume in another); carries no business data.</summary>
    public const string Diagnostics = "onegate.diagnostics.v1";
}
