using OneGate.Transaction;
using OneGate.Transaction.Diagnostics;
using OneGate.Transaction.Extensions;
using OneGate.Transaction.Regulators;

// `OneGate.Transaction keys create|list|revoke|rotate ...` manages regulator API keys and exits.
if (await RegulatorAccess.TryRunCommandAsync(args) is { } exitCode)
{
    return exitCode;
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddRegulatorAccess();
builder.Services.AddOpenApi();

var app = builder.Build();

app.UseServedByHeader();
app.UseProblemDetailsDefaults();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi();
app.MapDefaultEndpoints();
app.MapTransactionApi();
app.MapRegulatorApi();
if (app.Configuration.GetValue<bool>("OneGate:Diagnostics:Enabled"))
{
    app.MapKafkaPingApi();
}

await app.RunAsync();
return 0;
