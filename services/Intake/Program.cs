using Veiligthuis;
using Veiligthuis.BuildingBlocks.Eventing;
using Veiligthuis.BuildingBlocks.Hosting;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.Intake.Adviezen;
using Veiligthuis.Intake.Casussen;
using Veiligthuis.Intake.Meldingen;
using Veiligthuis.Intake.Registerkoppeling;
using Veiligthuis.Intake.V1;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("intake");
builder.AddPostgres("intake", typeof(Program).Assembly);
builder.AddEventing()
    .Subscribe<MeldingOntvangen, RegistratieAanvragen>(EventTopics.MeldingOntvangen);
builder.AddMeldingen();
builder.AddAdviezen();
builder.AddRegisterkoppeling();

var app = builder.Build();
app.MapServiceDefaults();
app.MapGrpcService<MeldingenService>();
app.MapGrpcService<AdviezenService>();
app.MapGrpcService<CasussenService>();
app.MapEventSubscriptions();
app.Run();

public partial class Program;
