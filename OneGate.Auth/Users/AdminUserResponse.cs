using OneGate.Auth.Data;

namespace OneGate.Auth.Users;

/// <summary>A user as the back office sees it; <see cref="Masked"/> says whether e-mail and phone are masked (SUPPORT).</summary>
public sealed record AdminUserResponse(int Id, string Username, string Email, string Phone, string Status, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt, bool Masked)
{
    public static AdminUserResponse From(User user, bool masked)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new AdminUserResponse(user.Id, user.Username, masked ? ContactMask.Email(user.Email) : user.Email,
            masked ? ContactMask.Phone(user.Phone) : user.Phone, user.IsActive ? "ACTIVE" : "INACTIVE", user.CreatedAt, user.UpdatedAt, masked);
    }
}
