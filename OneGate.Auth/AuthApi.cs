using OneGate.Auth.Audit;
using OneGate.Auth.Data;
using OneGate.Auth.Login;
using OneGate.Auth.Operators;
using OneGate.Auth.Profile;
using OneGate.Auth.Registration;
using OneGate.Auth.Sessions;
using OneGate.Auth.Tokens;
using OneGate.Auth.Users;

namespace OneGate.Auth;

public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/auth")
            .WithTags("Auth")
            .MapRegister()
            .MapLogin()
            .MapSessions()
            .MapMe();
        // The back office (docs/backoffice.md): operator tokens only, each group with its role.
        app.MapGroup("/api/admin")
            .WithTags("Back office")
            .MapOperatorLogin()
            .MapOperatorAdmin()
            .MapUserSearch()
            .MapAuditTrail<AuthDbContext>("OneGate.Auth", (http, filter, ct) =>
                http.RequestServices.GetRequiredService<OperatorAudit>().ExportedAsync(http.User, filter, ct));
        app.MapJwks();
        app.MapUserDirectory();
        return app;
    }
}
