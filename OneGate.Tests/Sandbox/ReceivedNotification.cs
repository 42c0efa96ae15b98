namespace OneGate.Tests.Sandbox;

/// <summary>One notification as it arrived at the <see cref="NotificationInbox"/>: path, headers and exact body bytes.</summary>
public sealed record ReceivedNotification(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body);
