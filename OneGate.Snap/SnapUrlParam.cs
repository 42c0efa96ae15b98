namespace OneGate.Snap;

/// <summary>A URL the partner hands the provider in a direct-debit payment; <c>type</c> <c>NOTIFICATION</c> is where service 56 is sent.</summary>
public sealed record SnapUrlParam(string Url, string Type, string IsDeeplink)
{
    public const string Notification = "NOTIFICATION";

    public static SnapUrlParam NotifyAt(string url) => new(url, Notification, "N");
}
