using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace OneGate.Payment.Data;

/// <summary>
/// Lets <c>dotnet ef</c> build the context without starting the host (no Aspire, no real connection:
/// generating migrations never opens one).
/// </summary>
internal sealed class PaymentDbContextFactory : IDesignTimeDbContextFactory<PaymentDbContext>
{
    public PaymentDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PaymentDbContext>()
            .UseNpgsql("Host=localhost;Database=onegate", PaymentDbContext.ConfigureNpgsql)
            .Options;
        return new PaymentDbContext(options);
    }
}
