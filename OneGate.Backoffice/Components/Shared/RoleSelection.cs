using OneGate.ServiceDefaults.Auth;

namespace OneGate.Backoffice.Components.Shared;

/// <summary>The four roles as checkboxes of a form.</summary>
public class RoleSelection
{
    public bool Support { get; set; }
    public bool Operations { get; set; }
    public bool Compliance { get; set; }
    public bool Admin { get; set; }

    public IReadOnlyList<string> Chosen() =>
        [.. new[] { (Support, OperatorRoles.Support), (Operations, OperatorRoles.Operations), (Compliance, OperatorRoles.Compliance), (Admin, OperatorRoles.Admin) }
            .Where(r => r.Item1).Select(r => r.Item2)];

    public void Set(IEnumerable<string> roles)
    {
        var set = roles.ToHashSet();
        (Support, Operations, Compliance, Admin) = (set.Contains(OperatorRoles.Support), set.Contains(OperatorRoles.Operations), set.Contains(OperatorRoles.Compliance), set.Contains(OperatorRoles.Admin));
    }
}
