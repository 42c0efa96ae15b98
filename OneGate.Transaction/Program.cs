using OneGate.ServiceDefaults.Audit;
using OneGate.ServiceDefaults.Auth;
using OneGate.ServiceDefaults.Data;
using OneGate.ServiceDefaults.OpenApi;
using OneGate.Transaction;
using OneGate.Transaction.Admin;
using OneGate.Transaction.Data;
using OneGate.Transaction.Diagnostics;
using OneGate.Transaction.Events;
using OneGate.Transaction.Extensions;
using OneGate.Transaction.Regulators;
using OneGate.Transaction.Regulators.Endpoints;

// `OneGate.Transaction migrate` applies the migrations as Transaction's migrator and exits (the running service never does).
if (args is [MigrateCommand.Name])
{
    return await MigrateCommand.RunAsync<TransactionDbContext>(TransactionDbContext.Schema, TransactionDbContext.ConfigureNpgsql);
}

// `OneGate.Transaction keys create|list|revoke|rotate ...` manages regulator API keys and exits.
if (await RegulatorAccess.TryRunCommandAsync(args) is { } exitCode)
{
    return exitCode;
}

// `OneGate.Transaction audit verify` checks Transaction's audit chain (operators' and the commands' actions) and exits.
if (args is ["audit", ..])
{
    return await AuditVerifyCommand.RunAsync(args, AuditVerifyCommand.CommandConfiguration(), Console.Out, Console.Error, TransactionDbContext.ForCommand);
}

// `OneGate.Transaction dead-letters list|replay ...` lists or replays the events the consumer set aside, and exits.
if (args is ["dead-letters", ..])
{
    return await DeadLettersCommand.RunAsync(args, RegulatorAccess.CommandConfiguration(), Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddRegulatorAccess();
builder.AddTransactionAdmin();
builder.Services.AddOneGateOpenApi();

var app = builder.Build();

app.UseServedByHeader();
app.UseProblemDetailsDefaults();
app.UseAuthentication();
app.UseAuthorization();

app.MapApiDocuments(BearerSecuritySchemeTransformer.SchemeName, ApiKeySecuritySchemeTransformer.SchemeName, BearerSecuritySchemeTransformer.OperatorSchemeName);
app.MapDefaultEndpoints();
// Every operation documents the problems any request can get (OpenApiDefaults).
var api = app.MapGroup("").WithProblemResponses();
api.MapTransactionApi();
api.MapRegulatorApi();
api.MapTransactionAdminApi();
if (app.Configuration.GetValue<bool>("OneGate:Diagnostics:Enabled"))
{
    app.MapKafkaPingApi();
}

await app.RunAsync();
return 0;
