using OneGate.Auth;
using OneGate.Auth.Audit;
using OneGate.Auth.Data;
using OneGate.Auth.Extensions;
using OneGate.Auth.Operators;
using OneGate.ServiceDefaults.Data;
using OneGate.ServiceDefaults.OpenApi;

// `OneGate.Auth migrate` applies the migrations as Auth's migrator and exits (the running service never does).
if (args is [MigrateCommand.Name])
{
    return await MigrateCommand.RunAsync<AuthDbContext>(AuthDbContext.Schema, AuthDbContext.ConfigureNpgsql);
}

// `OneGate.Auth audit verify` checks the audit trail's hash chain and exits.
if (args is ["audit", ..])
{
    return await AuditCommand.RunAsync(args, AuditCommand.CommandConfiguration(), Console.Out, Console.Error);
}

// `OneGate.Auth operators bootstrap <username>` creates the first ADMIN operator and exits.
if (args is ["operators", ..])
{
    return await OperatorsCommand.RunAsync(args, AuditCommand.CommandConfiguration(), Console.In, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.Services.AddOneGateOpenApi();

var app = builder.Build();

app.UseProblemDetailsDefaults();
app.UseAuthentication();
app.UseAuthorization();

app.MapApiDocuments();
app.MapDefaultEndpoints();
// Every operation documents the problems any request can get (OpenApiDefaults).
app.MapGroup("").WithProblemResponses().MapAuthApi();

await app.RunAsync();
return 0;
