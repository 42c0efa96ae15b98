using OneGate.Auth.Login;
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
        app.MapJwks();
        app.MapUserDirectory();
        return app;
    }
}
