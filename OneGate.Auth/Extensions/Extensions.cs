using Microsoft.EntityFrameworkCore;
using OneGate.Auth.Audit;
using OneGate.Auth.Data;
using OneGate.Auth.Events;
using OneGate.Auth.Login;
using OneGate.Auth.Operators;
using OneGate.Auth.Passwords;
using OneGate.Auth.Registration;
using OneGate.Auth.Sessions;
using OneGate.Auth.Tokens;
using OneGate.ServiceDefaults.Auth;
using OneGate.ServiceDefaults.Data;
using OneGate.ServiceDefaults.Kafka;
using OneGate.ServiceDefaults.Outbox;
using OneGate.ServiceDefaults.Redis;

namespace OneGate.Auth.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<AuthDbContext>("onegate",
            configureSettings: settings => settings.ConnectionString = SearchPath.Pin(settings.ConnectionString, AuthDbContext.Schema),
            configureDbContextOptions: options => options.UseNpgsql(AuthDbContext.ConfigureNpgsql));
        builder.Services.AddSchemaCheck<AuthDbContext>();

        // Sessions and login throttling live in Redis.
        builder.AddOneGateRedisClient();

        // Users' changes leave through the outbox (onegate.users.v1). No Kafka readiness check: no request needs
        // Kafka, and logins must not stop while it is away; the outbox keeps what it has not taken yet.
        builder.AddKafka("kafka", readinessCheck: false);
        builder.Services.AddHostedService<UserOutboxRelay>();
        builder.Services.AddOptions<OutboxRetentionOptions>().BindConfiguration(OutboxRetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        builder.Services.AddOptions<OperatorOptions>().BindConfiguration(OperatorOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<OperatorSessionOptions>().BindConfiguration(OperatorSessionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<SigningKeyOptions>().BindConfiguration(SigningKeyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<TokenLifetimeOptions>().BindConfiguration(TokenLifetimeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<PasswordHashingOptions>().BindConfiguration(PasswordHashingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<LoginThrottleOptions>().BindConfiguration(LoginThrottleOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<RegistrationThrottleOptions>().BindConfiguration(RegistrationThrottleOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SigningKeys>();
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddSingleton<PasswordHasher>();
        builder.Services.AddSingleton<LoginThrottle>();
        builder.Services.AddSingleton<RegistrationThrottle>();
        builder.Services.AddSingleton(services => new AuditTrail(services.GetRequiredService<TimeProvider>(), AuditCommand.ChainNumber));
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<AuthAudit>();
        builder.Services.AddScoped<SessionRegistry>();
        builder.Services.AddSingleton<TotpSecrets>();
        builder.Services.AddScoped<OperatorAudit>();
        builder.Services.AddScoped<OperatorSessions>();
        builder.Services.AddScoped<OperatorChanges>();

        // The Auth service validates its own tokens with its own keys, not by calling itself over HTTP.
        builder.AddOneGateAuthentication(services =>
            services.GetRequiredService<SigningKeys>().AsConfigurationManager(services.GetRequiredService<TokenValidationSettings>()));
    }
}
