using System.Net;

namespace OneGate.Auth.Clients;

/// <summary>A set of networks (CIDR) a client address is checked against; IPv4-mapped IPv6 addresses count as IPv4.</summary>
public sealed class ClientNetworks(IEnumerable<string> cidrs)
{
    private readonly IPNetwork[] networks = [.. cidrs.Select(n => IPNetwork.Parse(n))];

    public bool Contains(IPAddress? client) =>
        client is not null && networks.Any(n => n.Contains(client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client));
}
