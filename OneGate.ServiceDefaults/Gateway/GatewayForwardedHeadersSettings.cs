namespace OneGate.ServiceDefaults.Gateway;

/// <summary>
/// Section <c>OneGate:ForwardedHeaders</c>: which peers are the gateway (Kong), whose client-IP header a service
/// believes. Empty (the default, and Local mode) means no peer is believed and the client IP is the TCP peer.
/// </summary>
public sealed class GatewayForwardedHeadersSettings
{
    public const string Section = "OneGate:ForwardedHeaders";

    /// <summary>Addresses of the gateway, e.g. <c>10.0.12.7</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks the gateway runs in (CIDR), e.g. the cluster's pod network <c>10.128.0.0/14</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>
    /// The header that carries the client IP. Kong sets <c>X-Real-IP</c> to the client address it settled on, and
    /// always overwrites a client's own. It believes <c>X-Forwarded-For</c> only from its <c>trusted_ips</c> (the
    /// router). Kong appends to <c>X-Forwarded-For</c> instead, so the last hop there would be the router.
    /// </summary>
    public string HeaderName { get; set; } = "X-Real-IP";

    public bool Enabled => KnownProxies.Count > 0 || KnownNetworks.Count > 0;
}
