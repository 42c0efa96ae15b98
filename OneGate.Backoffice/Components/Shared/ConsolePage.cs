using Microsoft.AspNetCore.Components;

namespace OneGate.Backoffice.Components.Shared;

/// <summary>A page of the console: server-rendered per request, with that request's context and cancellation.</summary>
public abstract class ConsolePage : ComponentBase
{
    [CascadingParameter] protected HttpContext HttpContext { get; set; } = default!;

    private bool answered;

    protected CancellationToken Aborted => HttpContext.RequestAborted;

    /// <summary>
    /// True while a POST waits for its form: a form shown only in some states (an account's status, a key's) is then
    /// rendered whatever the state, so a page that went stale reaches the service and shows its 409 problem, not
    /// Blazor's bare 400 for a form it no longer knows. A handler calls <see cref="Answered"/> first.
    /// </summary>
    protected bool Posting => !answered && HttpMethods.IsPost(HttpContext.Request.Method);

    protected void Answered() => answered = true;

    protected bool IsIn(string role) => HttpContext.User.IsInRole(role);

    /// <summary>For a page that may show a secret once (a new API key, a TOTP enrolment): no cache may keep it.</summary>
    protected void NeverStore() => HttpContext.Response.Headers.CacheControl = "no-store";
}
