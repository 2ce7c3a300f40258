using Veiligthuis.Gateway.RateLimiting;
using Veiligthuis.Gateway.Routing;

var builder = WebApplication.CreateBuilder(args);
builder.AddGatewayDefaults();
builder.AddGatewayRateLimiting();
builder.AddServiceRoutes();

var app = builder.Build();
app.MapGatewayDefaults();
app.UseGatewayRateLimiting();
app.MapReverseProxy();
app.Run();

public partial class Program;
