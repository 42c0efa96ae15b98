using Microsoft.EntityFrameworkCore;
using OneGate.Payment;
using OneGate.Payment.Admin;
using OneGate.Payment.Data;
using OneGate.Payment.Diagnostics;
using OneGate.Payment.Extensions;
using OneGate.Payment.TopUps;
using OneGate.ServiceDefaults.Audit;
using OneGate.ServiceDefaults.Data;
using OneGate.ServiceDefaults.OpenApi;

// `OneGate.Payment migrate` applies the migrations as Payment's migrator and exits (the running service never does).
if (args is [MigrateCommand.Name])
{
    return await MigrateCommand.RunAsync<PaymentDbContext>(PaymentDbContext.Schema, PaymentDbContext.ConfigureNpgsql);
}

// `OneGate.Payment audit verify` checks Payment's audit chain (operators' actions) and exits.
if (args is ["audit", ..])
{
    return await AuditVerifyCommand.RunAsync(args, AuditVerifyCommand.CommandConfiguration(), Console.Out, Console.Error, connectionString =>
        new PaymentDbContext(new DbContextOptionsBuilder<PaymentDbContext>().UseNpgsql(connectionString, PaymentDbContext.ConfigureNpgsql).Options));
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
var api = app.MapGroup("").WithProblemResponses();
api.MapPaymentApi();
api.MapPaymentAdminApi();
api.MapProviderCallbacks();
if (app.Configuration.GetValue<bool>("OneGate:Diagnostics:Enabled"))
{
    app.MapKafkaPingApi();
}

await app.RunAsync();
return 0;
