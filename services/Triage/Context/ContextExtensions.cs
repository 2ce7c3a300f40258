using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Triage.Context;

public static class ContextExtensions
{
    /// <summary>
    /// The beoordeling context: gRPC clients of intake and the register at <c>Services:&lt;service&gt;:Grpc</c> (the same
    /// settings the gateway reads) and service tokens for the register.
    /// </summary>
    public static WebApplicationBuilder AddBeoordelingContext(this WebApplicationBuilder builder)
    {
        builder.AddServiceTokens();
        var intake = Address(builder.Configuration, "intake");
        var register = Address(builder.Configuration, "register");
        builder.Services.AddGrpcClient<Meldingen.MeldingenClient>(o => o.Address = intake);
        builder.Services.AddGrpcClient<Casussen.CasussenClient>(o => o.Address = intake);
        builder.Services.AddGrpcClient<Register.V1.Register.RegisterClient>(o => o.Address = register);
        builder.Services.AddScoped<BeoordelingContextHandler>();
        return builder;
    }

    private static Uri Address(IConfiguration configuration, string service) =>
        configuration.GetValue<Uri>($"Services:{service}:Grpc")
        ?? throw new InvalidOperationException($"Services:{service}:Grpc is not configured.");
}
