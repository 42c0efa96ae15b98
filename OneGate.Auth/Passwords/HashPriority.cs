namespace OneGate.Auth.Passwords;

/// <summary>
/// Whose Argon2 work it is, in the order a freed slot is given: a clean login (no failure in its windows), then a
/// suspect login (its client has failed recently), then a registration.
/// </summary>
public enum HashPriority
{
    Login,
    SuspectLogin,
    Registration,
}
