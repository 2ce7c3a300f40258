using Veiligthuis.BuildingBlocks.Security;

namespace Veiligthuis.Intake.Registerkoppeling;

public static class RegisterkoppelingExtensions
{
    /// <summary>
    /// The register link (ADR 0020): a gRPC client of the register at <c>Services:register:Grpc</c>, service tokens for
    /// the register-client role (ADR 0019), and the worker that works off the queue. A melding with betrokkenen is
    /// queued in its own transaction (<see cref="Meldingen.MeldingStore.OntvangAsync"/>).
    /// </summary>
    public static WebApplicationBuilder AddRegisterkoppeling(this WebApplicationBuilder builder)
    {
        builder.AddServiceTokens();
        var register = builder.Configuration.GetValue<Uri>("Services:register:Grpc")
            ?? throw new InvalidOperationException("Services:register:Grpc is not configured.");
        builder.Services.AddGrpcClient<Register.V1.Register.RegisterClient>(o => o.Address = register);
        builder.Services.Configure<RegisterkoppelingOptions>(builder.Configuration.GetSection(RegisterkoppelingOptions.Section));
        builder.Services.AddSingleton<RegisterkoppelingMetrics>();
        builder.Services.AddHostedService<RegisterkoppelingJob>();
        return builder;
    }
}
