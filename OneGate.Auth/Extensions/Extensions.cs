using Microsoft.EntityFrameworkCore;
using OneGate.Auth.Data;
using OneGate.ServiceDefaults.Data;

namespace OneGate.Auth.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<AuthDbContext>("onegate",
            configureDbContextOptions: options => options.UseNpgsql(AuthDbContext.ConfigureNpgsql));
        builder.Services.AddMigration<AuthDbContext>();

        // Sessions and login throttling live in Redis.
        builder.AddRedisClient("redis");
    }
}
