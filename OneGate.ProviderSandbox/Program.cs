using OneGate.ProviderSandbox.Extensions;
using OneGate.ProviderSandbox.GoPay;
using OneGate.ProviderSandbox.Scenarios;
using OneGate.ProviderSandbox.ShopeePay;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSandboxServices();
builder.Services.AddOpenApi();

var app = builder.Build();

app.UseProblemDetailsDefaults();
app.UseShopeePayResponseSigning();
app.UseFaultInjection();
app.MapOpenApi();
app.MapDefaultEndpoints();

app.MapGoPayApi();
app.MapShopeePayApi();
app.MapSandboxControlApi();

app.Run();
