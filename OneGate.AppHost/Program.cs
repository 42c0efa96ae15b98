using OneGate.AppHost;
using OneGate.AppHost.Infrastructure;

var builder = DistributedApplication.CreateBuilder(args);

// Postgres, Redis and Kafka: containers where a container runtime answers, local processes where not.
// Both modes return the same handles, so the wiring below is written once. Each service connects to Postgres and
// Redis with its own least-privilege logins (WithDataAccess), never the admin ones.
var infra = builder.AddInfrastructure();

// The access-token signing key (ES256): generated for development, a secret in deployments. Kong checks tokens
// against its public half, found by this key id (the token header's kid).
const string SigningKeyId = "onegate-dev-1";
var signingKey = builder.AddParameter("auth-signing-key", new GeneratedSigningKeyDefault(), secret: true, persist: true);
// Encrypts back-office operators' TOTP secrets at rest (docs/backoffice.md).
var totpKey = builder.AddParameter("auth-operator-totp-key", new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true, persist: true);

var auth = builder.AddProject<Projects.OneGate_Auth>("auth")
    .WithEnvironment("Auth__Signing__Keys__0__KeyId", SigningKeyId)
    .WithEnvironment("Auth__Signing__Keys__0__PrivateKeyPem", signingKey)
    .WithEnvironment("Auth__Operators__TotpKey", totpKey)
    .WithDataAccess<Projects.OneGate_Auth>(infra)
    .WithReference(infra.Kafka).WaitFor(infra.Kafka) // users' changes: the outbox relay to onegate.users.v1
    .WithHttpHealthCheck("/health")
    .WithReferenceAndHealthUrls()
    .WithFastShutdown();

// In Local mode the orchestrator's proxy makes every caller 127.0.0.1, so a per-client limit would be one limit for
// every developer, benchmark and test: the proxy's address is exempt from the per-client registration and login limits
// (the per-identifier login limits still apply). Tests of the limits reach Auth directly from other loopback addresses.
if (infra.Mode == InfrastructureMode.Local)
{
    auth.WithEnvironment("Auth__RegistrationThrottle__UnlimitedNetworks__0", "127.0.0.1/32")
        .WithEnvironment("Auth__RegistrationThrottle__UnlimitedNetworks__1", "::1/128")
        .WithEnvironment("Auth__LoginThrottle__UnlimitedNetworks__0", "127.0.0.1/32")
        .WithEnvironment("Auth__LoginThrottle__UnlimitedNetworks__1", "::1/128");
}

var payment = builder.AddProject<Projects.OneGate_Payment>("payment")
    .WithDataAccess<Projects.OneGate_Payment>(infra)
    .WithReference(infra.Kafka).WaitFor(infra.Kafka)
    .WithReference(auth)
    .WithProviderSandbox()
    .WithDevelopmentDiagnostics()
    .WithHttpHealthCheck("/health")
    .WithReferenceAndHealthUrls()
    .WithFastShutdown();

// Transaction reads Payment's payment.historical_transactions (and its enum types), so it waits for Payment, which
// waits for its migrate step.
// Two replicas in every run (dev and tests): rate limits, the cache, the key seed and the consumer group are
// shared through Redis, Postgres and Kafka, and running two is what keeps that honest.
var transaction = builder.AddProject<Projects.OneGate_Transaction>("transaction")
    .WithReplicas(2)
    .WithDevelopmentRegulatorKeys()
    .WithDataAccess<Projects.OneGate_Transaction>(infra)
    .WithReference(infra.Kafka).WaitFor(infra.Kafka)
    .WithReference(auth)
    .WaitFor(payment)
    .WithDevelopmentDiagnostics()
    .WithHttpHealthCheck("/health")
    .WithReferenceAndHealthUrls()
    .WithFastShutdown();

// The operators' console: pages over the services' /api/admin, with the operator's token (docs/backoffice.md).
var backoffice = builder.AddBackoffice(infra, auth, payment, transaction);

// The gateway needs a container runtime; in Local mode clients call the services (and operators the console) directly.
if (infra.Mode == InfrastructureMode.Containers)
{
    builder.AddKong("kong", SigningKeyId, signingKey, infra.Redis, auth, payment, transaction, backoffice);
}

// Prometheus scrapes every service above and evaluates the alert rules the manifests deploy; Alertmanager receives
// what fires. Development and tests only: deployments have manifests/observability.
builder.AddMetricsAndAlerts(infra.Mode);

builder.Build().Run();
