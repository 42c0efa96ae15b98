namespace OneGate.Transaction.Events;

/// <summary>What this service reads of Auth's event on <c>onegate.users.v1</c> (version 1, see the README's event contract).</summary>
public sealed record UserEvent(Guid EventId, string EventType, int Version, UserEventData User)
{
    /// <summary>Parses a message value; throws <see cref="FormatException"/> for anything that is not a v1 user event.</summary>
    public static UserEvent Parse(string value)
    {
        var parsed = EventJson.Read<UserEvent>(value);
        if (parsed is not { Version: 1, EventId: var id, User: { UserId: > 0, Username.Length: > 0, Phone.Length: > 0, Version: > 0, Status: "ACTIVE" or "INACTIVE" } }
            || id == Guid.Empty)
        {
            throw new FormatException("not a version 1 user event");
        }

        return parsed;
    }
}

/// <summary>The user's state after the change; <see cref="Version"/> counts the user's changes (1 at registration).</summary>
public sealed record UserEventData(int UserId, string Username, string Phone, string Status, int Version);
