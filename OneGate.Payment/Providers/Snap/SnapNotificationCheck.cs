using OneGate.Snap;

namespace OneGate.Payment.Providers.Snap;

/// <summary>
/// The verdict on an inbound notification (service 56): <see cref="Result"/> when its signature, timestamp and body
/// hold, else the SNAP refusal to answer with (<see cref="HttpStatus"/> and <see cref="Refusal"/>).
/// </summary>
public sealed record SnapNotificationCheck(ProviderChargeResult? Result, int HttpStatus, SnapAnswer? Refusal)
{
    public static SnapNotificationCheck Accepted(ProviderChargeResult result) => new(result, StatusCodes.Status200OK, null);

    public static SnapNotificationCheck Refused(int httpStatus, string caseCode, string message) =>
        new(null, httpStatus, new SnapAnswer(SnapResponseCode.Of(httpStatus, SnapServices.DebitNotify, caseCode).ToString(), message));
}
