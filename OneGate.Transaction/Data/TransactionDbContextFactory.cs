using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace OneGate.Transaction.Data;

/// <summary>
/// Lets <c>dotnet ef</c> build the context without starting the host (no Aspire, no real connection:
/// generating migrations never opens one).
/// </summary>
internal sealed class TransactionDbContextFactory : IDesignTimeDbContextFactory<TransactionDbContext>
{
    public TransactionDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<TransactionDbContext>()
            .UseNpgsql("Host=localhost;Database=onegate", TransactionDbContext.ConfigureNpgsql)
            .Options;
        return new TransactionDbContext(options);
    }
}
