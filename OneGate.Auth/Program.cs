using OneGate.Auth;
using OneGate.Auth.Extensions;
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
app.MapAuthApi();

app.Run();
