using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Veiligthuis.BuildingBlocks.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>
    /// Traces and metrics through OpenTelemetry, exported by OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
    /// is set. Structured logs (JSON to stdout outside Development) carry ids only; scopes and
    /// formatted exception messages are left out so that no request data leaks into them.
    /// With <paramref name="tracesOnlyWhenExported"/> no spans are made while nothing exports them (the
    /// gateway: it writes no events, so no <c>traceparent</c> of its own is needed; a client's passes through).
    /// </summary>
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder, string service, bool tracesOnlyWhenExported = false)
    {
        builder.Logging.ClearProviders();
        if (builder.Environment.EnvironmentName == "Development")
        {
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.IncludeScopes = false; });
        }
        else
        {
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = false);
        }

        var exported = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("veiligthuis-" + service));
        if (exported || !tracesOnlyWhenExported)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource("Veiligthuis.*")
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/healthz"))
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsql());
        }

        telemetry.WithMetrics(metrics => metrics
                .AddMeter("Veiligthuis.*")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation());

        if (exported)
        {
            telemetry.UseOtlpExporter();
        }

        return builder;
    }
}
