using Veiligthuis.Gateway.Routing;

var builder = WebApplication.CreateBuilder(args);
builder.AddGatewayDefaults();
builder.AddServiceRoutes();

var app = builder.Build();
app.MapGatewayDefaults();
app.MapReverseProxy();
app.Run();

public partial class Program;
