using Veiligthuis;
using Veiligthuis.BuildingBlocks.Eventing;
using Veiligthuis.BuildingBlocks.Hosting;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Intake.V1;
using Veiligthuis.Triage.Beoordeling;
using Veiligthuis.Triage.Context;
using Veiligthuis.Triage.Werkvoorraad;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("triage");
builder.AddPostgres("triage", typeof(Program).Assembly);
builder.AddEventing()
    .Subscribe<MeldingOntvangen, MeldingOntvangenHandler>(EventTopics.MeldingOntvangen);
builder.AddWerkvoorraad();
builder.AddBeoordeling();
builder.AddBeoordelingContext();

var app = builder.Build();
app.MapServiceDefaults();
app.MapGrpcService<WerkvoorraadService>();
app.MapEventSubscriptions();
app.Run();

public partial class Program;
