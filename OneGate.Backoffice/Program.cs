using OneGate.Backoffice;
using OneGate.Backoffice.Components;

// The back-office console (docs/backoffice.md, "The console"): server-rendered pages over the services' /api/admin.
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddConsoleServices();

var app = builder.Build();

app.UseConsoleErrors();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapDefaultEndpoints();
app.MapConsoleEndpoints();
app.MapRazorComponents<App>();

await app.RunAsync();
