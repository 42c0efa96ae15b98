namespace OneGate.Auth.Passwords;

/// <summary>Whose Argon2 work it is: a login waiting for a slot always goes before any registration.</summary>
public enum HashPriority
{
    Login,
    Registration,
}
