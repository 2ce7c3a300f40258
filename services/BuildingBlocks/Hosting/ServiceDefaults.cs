using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Health;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.BuildingBlocks.Telemetry;

namespace Veiligthuis.BuildingBlocks.Hosting;

public static class ServiceDefaults
{
    /// <summary>
    /// What every service has: its two Kestrel endpoints from configuration (<c>Kestrel:Endpoints:Grpc</c>
    /// HTTP/2 only, <c>Kestrel:Endpoints:Http</c> HTTP/1.1 for REST, probes and Dapr), telemetry, JWT
    /// authentication with the tenant context, gRPC with the error interceptor and JSON transcoding,
    /// health, and a graceful shutdown that lets in-flight calls finish.
    /// </summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string service)
    {
        builder.Services.AddSingleton(new ServiceIdentity(service));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.Configure<HostOptions>(o =>
            o.ShutdownTimeout = builder.Configuration.GetValue("Hosting:ShutdownTimeout", TimeSpan.FromSeconds(25)));

        builder.AddTelemetry(service);
        builder.AddVeiligthuisAuthentication();

        builder.Services
            .AddGrpc(o =>
            {
                o.Interceptors.Add<ErrorInterceptor>();
                o.EnableDetailedErrors = false;
                o.MaxReceiveMessageSize = builder.Configuration.GetValue("Grpc:MaxReceiveMessageSize", 4 * 1024 * 1024);
            })
            // Errors carry google.rpc details (BadRequest field violations); REST/JSON can only write an
            // Any whose type it knows, and without these it fails the response with a bare 500.
            .AddJsonTranscoding(o => o.TypeRegistry = TypeRegistry.FromFiles(Google.Rpc.ErrorDetailsReflection.Descriptor));
        if (builder.Configuration.GetValue("Grpc:Reflection", false))
        {
            builder.Services.AddGrpcReflection();
        }

        builder.Services.AddHealthChecks();
        builder.Services.AddGrpcHealthChecks(o => o.Services.Map("", check => check.Tags.Contains(HealthTags.Ready)));
        return builder;
    }

    /// <summary>Authentication, the probes on every port (YARP probes the gRPC port over h2c), and gRPC health.</summary>
    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Ready) })
            .AllowAnonymous();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        if (app.Configuration.GetValue("Grpc:Reflection", false))
        {
            app.MapGrpcReflectionService().AllowAnonymous();
        }

        return app;
    }
}
