using Veiligthuis.Gateway.RateLimiting;
using Veiligthuis.Gateway.Routing;

var builder = WebApplication.CreateBuilder(args);
builder.AddGatewayDefaults();
builder.AddGatewayRateLimiting();
builder.AddServiceRoutes();
builder.AddGatewayReflection();

var app = builder.Build();
app.MapGatewayDefaults();
app.UseGatewayRateLimiting();
app.MapGatewayReflection();
app.MapGatewayOpenApi();
app.MapReverseProxy();
app.Run();

public partial class Program;
