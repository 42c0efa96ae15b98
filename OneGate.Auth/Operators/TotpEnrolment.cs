namespace OneGate.Auth.Operators;

/// <summary>A new TOTP secret, shown once: the <c>otpauth://</c> URI and the same as a QR code (a PNG data URL) to scan.</summary>
public sealed record TotpEnrolment(string Uri, string QrCode)
{
    public static TotpEnrolment Of(string username, byte[] secret)
    {
        var uri = TotpSecrets.EnrolmentUri(username, secret);
        return new TotpEnrolment(uri, "data:image/png;base64," + Convert.ToBase64String(TotpSecrets.QrCodePng(uri)));
    }
}
