using Veiligthuis.BuildingBlocks.Eventing;
using Veiligthuis.BuildingBlocks.Hosting;
using Veiligthuis.BuildingBlocks.Persistence;

// The register host: its own database with the building blocks' migrations, authentication, health and
// the event bus. Its domain arrives with the register issue.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("register");
builder.AddPostgres("register", typeof(Program).Assembly);
builder.AddEventing();

var app = builder.Build();
app.MapServiceDefaults();
app.MapEventSubscriptions();
app.Run();

public partial class Program;
