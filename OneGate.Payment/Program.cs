using OneGate.Payment.Diagnostics;
using OneGate.Payment.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.Services.AddOpenApi();

var app = builder.Build();

app.UseProblemDetailsDefaults();
app.MapOpenApi();
app.MapDefaultEndpoints();
if (app.Configuration.GetValue<bool>("OneGate:Diagnostics:Enabled"))
{
    app.MapKafkaPingApi();
}

app.Run();
