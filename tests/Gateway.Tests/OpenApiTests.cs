using System.Net;
using System.Text.Json;
using Xunit;

namespace Veiligthuis.Gateway.Tests;

public sealed class OpenApiTests(GatewayApp app) : IClassFixture<GatewayApp>
{
    [Fact]
    public async Task Document_IsAnonymousOpenApi3WithTheRestSurface()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.StartsWith("3.", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = root.GetProperty("paths");

        var create = paths.GetProperty("/api/v1/intake/meldingen").GetProperty("post");
        Assert.Equal("#/components/schemas/CreateMeldingRequest",
            create.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());

        var werkitem = paths.GetProperty("/api/v1/triage/meldingen/{meldingId}/werkitem").GetProperty("get");
        var parameter = Assert.Single(werkitem.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("in").GetString() == "path");
        Assert.Equal("meldingId", parameter.GetProperty("name").GetString());
        Assert.True(parameter.GetProperty("required").GetBoolean());
        Assert.Equal("string", parameter.GetProperty("schema").GetProperty("type").GetString());

        var claim = paths.GetProperty("/api/v1/triage/werkitems/{werkitemId}:claim").GetProperty("post");
        Assert.Equal("werkitemId", Assert.Single(claim.GetProperty("parameters").EnumerateArray()).GetProperty("name").GetString());
        var claimBody = claim.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.False(claimBody.GetProperty("properties").TryGetProperty("werkitemId", out _));
        Assert.Equal("bearer", root.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task Document_Schemas_UseJsonNamesStringEnumsAndDateTimeTimestamps()
    {
        using var client = app.CreateClient();

        using var json = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));

        var schemas = json.RootElement.GetProperty("components").GetProperty("schemas");
        var request = schemas.GetProperty("CreateMeldingRequest").GetProperty("properties");
        Assert.True(request.TryGetProperty("requestId", out _));
        var enumRefs = request.EnumerateObject()
            .Select(p => p.Value.TryGetProperty("$ref", out var r) ? r.GetString()!.Split('/')[^1] : null)
            .Where(name => name is not null && schemas.GetProperty(name).TryGetProperty("enum", out _))
            .ToList();
        Assert.NotEmpty(enumRefs);
        var anEnum = schemas.GetProperty(enumRefs[0]!);
        Assert.Equal("string", anEnum.GetProperty("type").GetString());
        Assert.All(anEnum.GetProperty("enum").EnumerateArray(), v => Assert.Equal(JsonValueKind.String, v.ValueKind));

        var text = json.RootElement.GetRawText();
        Assert.Contains("\"date-time\"", text, StringComparison.Ordinal);
        Assert.Equal("object", schemas.GetProperty("Date").GetProperty("type").GetString());
    }

    [Fact]
    public async Task DocsPage_IsAnonymousSelfContainedHtml()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/docs");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }
}
