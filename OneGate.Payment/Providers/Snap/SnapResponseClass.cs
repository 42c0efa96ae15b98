namespace OneGate.Payment.Providers.Snap;

/// <summary>What a SNAP <c>responseCode</c> means to us, whatever the service (see <see cref="SnapResponseMapping"/>).</summary>
public enum SnapResponseClass
{
    /// <summary>Anything we cannot trust as an answer: 5xx, <c>504xx00</c>, timeouts, unparseable or unmapped codes. Ask again later; never a decline.</summary>
    Unknown,

    Success,

    InProgress,

    /// <summary>The provider refused the payment itself (403 cases): nothing was taken.</summary>
    Declined,

    /// <summary>The provider refused our request as malformed (<c>400xx01</c>/<c>400xx02</c>): nothing was taken; a defect on our side, logged as an error.</summary>
    InvalidRequest,

    /// <summary><c>401xx00</c>: signature, timestamp or partner id refused.</summary>
    Unauthorized,

    /// <summary><c>401xx01</c>: the access token is unknown or expired; fetch a new one once and resend.</summary>
    InvalidToken,

    /// <summary><c>404xx01</c>.</summary>
    NotFound,

    /// <summary><c>409xx00</c>: this <c>X-EXTERNAL-ID</c> was used today with another body.</summary>
    DuplicateExternalId,

    /// <summary><c>409xx01</c>: this <c>partnerReferenceNo</c> was already used under another external id.</summary>
    DuplicatePartnerReference,
}
