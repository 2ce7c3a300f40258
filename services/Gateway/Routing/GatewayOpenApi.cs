namespace Veiligthuis.Gateway.Routing;

/// <summary>
/// <c>/openapi/v1.json</c>: the OpenAPI document of the REST surface, built once at start-up from the
/// Contracts (<see cref="OpenApiDocument"/>); <c>/docs</c>: a self-contained page that lists its
/// operations and schemas (no CDN: plain JavaScript, same origin). Both anonymous (ADR 0015).
/// </summary>
public static class GatewayOpenApi
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string DocsPath = "/docs";

    public static WebApplication MapGatewayOpenApi(this WebApplication app)
    {
        var document = OpenApiDocument.Build(GatewayReflection.PublicServices);
        var page = DocsPage();
        app.MapGet(DocumentPath, () => Results.Text(document, "application/json; charset=utf-8")).AllowAnonymous();
        app.MapGet(DocsPath, (HttpContext context) =>
        {
            context.Response.Headers.ContentSecurityPolicy =
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'";
            return Results.Text(page, "text/html; charset=utf-8");
        }).AllowAnonymous();
        return app;
    }

    private static string DocsPage()
    {
        using var stream = typeof(GatewayOpenApi).Assembly.GetManifestResourceStream("Veiligthuis.Gateway.docs.html")
            ?? throw new InvalidOperationException("The embedded docs.html is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
