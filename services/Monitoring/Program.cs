using Veiligthuis;
using Veiligthuis.BuildingBlocks.Eventing;
using Veiligthuis.BuildingBlocks.Hosting;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Intake.V1;
using Veiligthuis.Monitoring.Beleidsinformatie;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("monitoring");
builder.AddPostgres("monitoring", typeof(Program).Assembly);
builder.AddEventing()
    .Subscribe<MeldingOntvangen, MeldingOntvangenTeller>(EventTopics.MeldingOntvangen);

var app = builder.Build();
app.MapServiceDefaults();
app.MapGrpcService<BeleidsinformatieService>();
app.MapEventSubscriptions();
app.Run();

public partial class Program;
