using Microsoft.AspNetCore.Components;

namespace OneGate.Backoffice.Components.Shared;

/// <summary>A page of the console: server-rendered per request, with that request's context and cancellation.</summary>
public abstract class ConsolePage : ComponentBase
{
    [CascadingParameter] protected HttpContext HttpContext { get; set; } = default!;

    protected CancellationToken Aborted => HttpContext.RequestAborted;

    protected bool IsIn(string role) => HttpContext.User.IsInRole(role);
}
