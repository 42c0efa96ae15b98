using OneGate.Auth.Data;

namespace OneGate.Auth.Users;

/// <summary>A user as the API shows it: never the password hash.</summary>
public sealed record UserResponse(int Id, string Username, string Email, string Phone, DateTimeOffset CreatedAt)
{
    public static UserResponse From(User user) => new(user.Id, user.Username, user.Email, user.Phone, user.CreatedAt);
}
