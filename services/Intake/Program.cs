using Veiligthuis;
using Veiligthuis.BuildingBlocks.Eventing;
using Veiligthuis.BuildingBlocks.Hosting;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Intake.Adviezen;
using Veiligthuis.Intake.Casussen;
using Veiligthuis.Intake.Meldingen;
using Veiligthuis.Intake.Registerkoppeling;
using Veiligthuis.Intake.Terugkoppelingen;
using Veiligthuis.Intake.V1;
using Veiligthuis.Triage.V1;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("intake");
builder.AddPostgres("intake", typeof(Program).Assembly);
builder.AddEventing()
    .Subscribe<VeiligheidsbeoordelingAfgerond, CasusAfsluiting>(EventTopics.VeiligheidsbeoordelingAfgerond);
builder.AddMeldingen();
builder.AddAdviezen();
builder.AddRegisterkoppeling();

var app = builder.Build();
app.MapServiceDefaults();
app.MapGrpcService<MeldingenService>();
app.MapGrpcService<AdviezenService>();
app.MapGrpcService<CasussenService>();
app.MapGrpcService<TerugkoppelingenService>();
app.MapEventSubscriptions();
app.Run();

public partial class Program;
