namespace OneGate.Auth.Passwords;

/// <summary>
/// Whose Argon2 work it is, in the order a freed slot is given: a login from a client known to the identifier (it
/// logged in to it within <c>KnownClientLifetime</c> and has not failed it since), a clean login from a new client,
/// a suspect login (its client has failed recently), a registration. Only known logins may take the last slot.
/// </summary>
public enum HashPriority
{
    KnownLogin,
    Login,
    SuspectLogin,
    Registration,
}
