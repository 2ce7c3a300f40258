using Veiligthuis.BuildingBlocks.Eventing;
using Veiligthuis.BuildingBlocks.Hosting;
using Veiligthuis.BuildingBlocks.Persistence;

// The overdracht host: its own database with the building blocks' migrations, authentication, health and
// the event bus. Its domain arrives with the overdracht issue.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("overdracht");
builder.AddPostgres("overdracht", typeof(Program).Assembly);
builder.AddEventing();

var app = builder.Build();
app.MapServiceDefaults();
app.MapEventSubscriptions();
app.Run();

public partial class Program;
