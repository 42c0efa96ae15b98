namespace OneGate.Snap;

/// <summary>Any answer's common part (errors, and our answer to a notification).</summary>
public sealed record SnapAnswer(string ResponseCode, string ResponseMessage);
