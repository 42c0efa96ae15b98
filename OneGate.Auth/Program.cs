using OneGate.Auth.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.Services.AddOpenApi();

var app = builder.Build();

app.UseProblemDetailsDefaults();
app.MapOpenApi();
app.MapDefaultEndpoints();

app.Run();
