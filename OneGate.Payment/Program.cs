using OneGate.Payment;
using OneGate.Payment.Diagnostics;
using OneGate.Payment.Extensions;
using OneGate.Payment.TopUps;
using OneGate.ServiceDefaults.OpenApi;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.Services.AddOpenApi();

var app = builder.Build();

app.UseProblemDetailsDefaults();
app.UseAuthentication();
app.UseAuthorization();

app.MapApiDocuments();
app.MapDefaultEndpoints();
app.MapPaymentApi();
app.MapProviderCallbacks();
if (app.Configuration.GetValue<bool>("OneGate:Diagnostics:Enabled"))
{
    app.MapKafkaPingApi();
}

app.Run();
