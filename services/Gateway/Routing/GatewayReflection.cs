using System.Reflection;
using Google.Protobuf.Reflection;
using Grpc.Reflection;
using Veiligthuis.Intake.V1;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Veiligthuis.Gateway.Routing;

/// <summary>
/// gRPC server reflection (v1 and v1alpha) for the whole public API, served by the gateway itself
/// from the Contracts assembly's descriptors, so grpcurl can list and describe every
/// <c>veiligthuis.*</c> service without proto files. <c>Gateway:Reflection</c>, off by default;
/// when on it needs a valid token like every proxied call (ADR 0015).
/// </summary>
public static class GatewayReflection
{
    public const string Setting = "Gateway:Reflection";

    /// <summary>Every service of a <c>veiligthuis.*</c> package in the Contracts assembly.</summary>
    public static IReadOnlyList<ServiceDescriptor> PublicServices { get; } = FindPublicServices();

    public static WebApplicationBuilder AddGatewayReflection(this WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetValue(Setting, false))
        {
            // Not AddGrpcReflection: it describes the gRPC services mapped in this process (only
            // health here), while the public API is served by the backends behind the proxy.
            ServiceDescriptor[] services =
            [
                .. PublicServices,
                Grpc.Health.V1.Health.Descriptor,
                Grpc.Reflection.V1.ServerReflection.Descriptor,
                Grpc.Reflection.V1Alpha.ServerReflection.Descriptor,
            ];
            builder.Services.AddSingleton(new ReflectionServiceImpl(services));
            builder.Services.AddSingleton(new ReflectionV1ServiceImpl(services));
        }

        return builder;
    }

    public static WebApplication MapGatewayReflection(this WebApplication app)
    {
        if (app.Configuration.GetValue(Setting, false))
        {
            app.MapGrpcService<ReflectionServiceImpl>().RequireAuthorization();
            app.MapGrpcService<ReflectionV1ServiceImpl>().RequireAuthorization();
        }

        return app;
    }

    // protoc's C# output has one static class per .proto file with a FileDescriptor Descriptor.
    private static List<ServiceDescriptor> FindPublicServices() =>
        typeof(Meldingen).Assembly.GetTypes()
            .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static))
            .Where(p => p?.PropertyType == typeof(FileDescriptor))
            .Select(p => (FileDescriptor)p!.GetValue(null)!)
            .Where(f => f.Package.StartsWith("veiligthuis.", StringComparison.Ordinal))
            .SelectMany(f => f.Services)
            .DistinctBy(s => s.FullName)
            .OrderBy(s => s.FullName, StringComparer.Ordinal)
            .ToList();
}
