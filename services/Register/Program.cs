using Veiligthuis.BuildingBlocks.Eventing;
using Veiligthuis.BuildingBlocks.Hosting;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Register.Betrokkenheden;

// The national register: betrokkenheden of persons, matched by the keyed hash of the BSN, and the
// NEN 7513 access log (ADR 0013).
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("register");
builder.AddPostgres("register", typeof(Program).Assembly);
builder.AddEventing();
builder.AddRegister();

var app = builder.Build();
app.MapServiceDefaults();
app.MapGrpcService<RegisterService>();
app.MapEventSubscriptions();
app.Run();

public partial class Program;
