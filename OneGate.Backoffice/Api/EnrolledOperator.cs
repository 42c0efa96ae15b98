namespace OneGate.Backoffice.Api;

/// <summary>An operator with a new TOTP enrolment (created, or TOTP reset): the only time the secret is shown.</summary>
public sealed record EnrolledOperator(OperatorView Operator, TotpEnrolment Totp);
