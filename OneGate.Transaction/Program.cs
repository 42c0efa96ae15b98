using OneGate.Transaction.Diagnostics;
using OneGate.Transaction.Extensions;

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
