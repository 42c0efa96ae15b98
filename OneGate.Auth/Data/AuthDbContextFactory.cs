using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace OneGate.Auth.Data;

/// <summary>
/// Lets <c>dotnet ef</c> build the context without starting the host (no Aspire, no real connection:
/// generating migrations never opens one).
/// </summary>
internal sealed class AuthDbContextFactory : IDesignTimeDbContextFactory<AuthDbContext>
{
    public AuthDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<AuthDbContext>()
            .UseNpgsql("Host=localhost;Database=onegate", AuthDbContext.ConfigureNpgsql)
            .Options;
        return new AuthDbContext(options);
    }
}
