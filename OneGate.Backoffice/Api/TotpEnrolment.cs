namespace OneGate.Backoffice.Api;

/// <summary>A new TOTP secret as the operator's authenticator app takes it: the otpauth URI and its QR code (a PNG data URL).</summary>
public sealed record TotpEnrolment(string Uri, string QrCode);
