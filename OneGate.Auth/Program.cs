using OneGate.Auth;
using OneGate.Auth.Extensions;
using OneGate.ServiceDefaults.OpenApi;

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

app.Run();
