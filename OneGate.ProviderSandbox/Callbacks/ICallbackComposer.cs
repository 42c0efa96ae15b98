using OneGate.ProviderSandbox.Scenarios;

namespace OneGate.ProviderSandbox.Callbacks;

/// <summary>Builds one provider's signed callback request for a resolved charge. One per provider.</summary>
public interface ICallbackComposer
{
    SandboxProvider Provider { get; }

    /// <summary>A fresh request per attempt (signatures carry a timestamp).</summary>
    HttpRequestMessage Compose(SandboxCharge charge);
}
