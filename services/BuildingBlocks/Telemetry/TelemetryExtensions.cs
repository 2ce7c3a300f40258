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
    /// </summary>
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder, string service)
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

        // Traces and metrics are recorded only when they go somewhere. Without an exporter, sampling every request
        // and database command cost CPU on the hot path (docs/benchmarks.md, CreateMelding profile), and so did the
        // metrics: subscribed, ASP.NET Core's and HttpClient's meters fill tagged histograms on every call that no
        // reader ever collects (gateway profile, ADR 0018). The trace context still travels: ASP.NET Core keeps its
        // request activity, whose id the outbox stores.
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("veiligthuis-" + service))
            .WithMetrics(metrics => metrics
                .AddMeter("Veiligthuis.*")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation())
            .WithTracing(tracing => tracing
                .AddSource("Veiligthuis.*")
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/healthz"))
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsql())
            .UseOtlpExporter();

        return builder;
    }
}
