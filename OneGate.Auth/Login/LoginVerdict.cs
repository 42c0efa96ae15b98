using OneGate.Auth.Passwords;

namespace OneGate.Auth.Login;

/// <summary>
/// Looks an account (a user or an operator) up and checks the password in the reservation's Argon2 lane. Without a
/// verdict (database down, the request aborted while waiting, or no room in its line: PasswordOk null) the reservation
/// is given back: only a checked wrong password counts as a failure, so nobody can run up someone else's failures by
/// making attempts time out or flooding the line.
/// </summary>
public static class LoginVerdict
{
    public static async Task<(T? Account, bool? PasswordOk)> CheckAsync<T>(LoginThrottle throttle, LoginReservation reservation,
        PasswordHasher hasher, Func<CancellationToken, Task<T?>> find, Func<T, string> passwordHashOf, string password,
        CancellationToken cancellationToken) where T : class
    {
        ArgumentNullException.ThrowIfNull(throttle);
        ArgumentNullException.ThrowIfNull(hasher);
        ArgumentNullException.ThrowIfNull(find);
        ArgumentNullException.ThrowIfNull(passwordHashOf);
        try
        {
            var account = await find(cancellationToken);
            var ok = await hasher.VerifyAsync(account is null ? null : passwordHashOf(account), password, reservation.Priority, cancellationToken);
            if (ok is null)
            {
                await throttle.UnreserveAsync(reservation);
            }

            return (account, ok);
        }
        catch
        {
            await throttle.UnreserveAsync(reservation);
            throw;
        }
    }
}
