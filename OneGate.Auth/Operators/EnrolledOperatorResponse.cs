namespace OneGate.Auth.Operators;

/// <summary>An operator with its new TOTP enrolment (creation, TOTP reset): the only time the secret leaves the service.</summary>
public sealed record EnrolledOperatorResponse(OperatorResponse Operator, TotpEnrolment Totp);
