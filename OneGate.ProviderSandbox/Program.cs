using OneGate.ProviderSandbox.Extensions;
using OneGate.ProviderSandbox.Scenarios;
using OneGate.ProviderSandbox.Snap;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSandboxServices();
builder.Services.AddOpenApi();

var app = builder.Build();

app.UseProblemDetailsDefaults();
app.UseFaultInjection();
app.MapOpenApi();
app.MapDefaultEndpoints();

app.MapSnapProviderApi();
app.MapSandboxControlApi();

app.Run();
