using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Veiligthuis.BuildingBlocks.Eventing;
using Veiligthuis.BuildingBlocks.Eventing.Dapr;
using Veiligthuis.BuildingBlocks.Tests.Infrastructure;
using Veiligthuis.Intake.V1;
using Xunit;

namespace Veiligthuis.BuildingBlocks.Tests.Eventing;

/// <summary>The Dapr transport: the CloudEvents JSON it publishes, and the endpoints the sidecar delivers to.</summary>
public sealed class DaprTransportTests
{
    private const string AppToken = "sidecar-token-for-tests";

    [Fact]
    public void CloudEventJson_RoundTrip_KeepsEveryAttributeAndTheBytes()
    {
        var envelope = Events.Envelope(Events.MeldingOntvangen(), "vt-twente") with
        {
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        };

        var back = CloudEventJson.Deserialize(envelope.Topic, CloudEventJson.Serialize(envelope));

        Assert.Equal(envelope with { Data = [] }, back with { Data = [] });
        Assert.Equal(envelope.Data, back.Data);
    }

    [Fact]
    public void CloudEventJson_WithoutTraceParent_RoundTripsToNull()
    {
        var envelope = Events.Envelope(Events.MeldingOntvangen());

        var back = CloudEventJson.Deserialize(envelope.Topic, CloudEventJson.Serialize(envelope));

        Assert.Null(back.TraceParent);
        Assert.Equal(envelope.Time, back.Time);
    }

    [Fact]
    public void CloudEventJson_Serialize_WritesStructuredCloudEvent()
    {
        var envelope = Events.Envelope(Events.MeldingOntvangen());

        using var json = JsonDocument.Parse(CloudEventJson.Serialize(envelope));

        Assert.Equal("1.0", json.RootElement.GetProperty("specversion").GetString());
        Assert.Equal("application/x-protobuf", json.RootElement.GetProperty("datacontenttype").GetString());
        Assert.Equal(envelope.Id.ToString(), json.RootElement.GetProperty("id").GetString());
        Assert.Equal(envelope.Regio, json.RootElement.GetProperty("regio").GetString());
        Assert.Equal(envelope.Data, json.RootElement.GetProperty("data_base64").GetBytesFromBase64());
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"id\":\"not-a-guid\",\"time\":\"2026-03-02T09:30:00Z\"}")]
    public void CloudEventJson_Malformed_ThrowsPoisonEvent(string json)
    {
        Assert.Throws<PoisonEventException>(() => CloudEventJson.Deserialize(Events.Topic, Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void CloudEventJson_DataNotBase64_ThrowsPoisonEvent()
    {
        var json = Encoding.UTF8.GetString(CloudEventJson.Serialize(Events.Envelope(Events.MeldingOntvangen())));
        var broken = System.Text.RegularExpressions.Regex.Replace(json, "\"data_base64\":\"[^\"]*\"", "\"data_base64\":\"***\"");

        Assert.Throws<PoisonEventException>(() => CloudEventJson.Deserialize(Events.Topic, Encoding.UTF8.GetBytes(broken)));
    }

    [Fact]
    public async Task Subscribe_DaprAsksForSubscriptions_AnswersTopicRoutePubsubAndDeadLetterTopic()
    {
        await using var host = await StartAsync(new HandlerLog());
        using var client = host.CreateClient();

        using var response = await client.GetAsync(new Uri("/dapr/subscribe", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var subscription = Assert.Single(json.RootElement.EnumerateArray());
        // Dapr reads these names case-insensitively; the SDK writes "pubsubName" and a route without the leading slash.
        Assert.Equal(Events.Topic, Property(subscription, "topic"));
        Assert.Equal("pubsub-test", Property(subscription, "pubsubname"));
        Assert.Equal("deadletter-test", Property(subscription, "deadLetterTopic"));
        Assert.Equal("/events/" + Events.Topic, "/" + Property(subscription, "route")!.TrimStart('/'));
    }

    [Fact]
    public async Task Deliver_CloudEvent_RunsHandlerAndAnswersSuccess()
    {
        var log = new HandlerLog();
        await using var host = await StartAsync(log);
        using var client = host.CreateClient();
        var message = Events.MeldingOntvangen();
        var envelope = Events.Envelope(message, "vt-zeeland");

        using var response = await client.PostAsync(Route, CloudEvent(envelope));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("SUCCESS", await StatusAsync(response));
        var (handled, context) = Assert.Single(log.Calls);
        Assert.Equal(message, handled);
        Assert.Equal(new EventContext(envelope.Id, Events.Topic, envelope.Source, envelope.Subject, "vt-zeeland", envelope.Time), context);
    }

    [Fact]
    public async Task Deliver_HandlerFails_AnswersServerErrorSoDaprRetries()
    {
        var log = new HandlerLog { FailuresPerEvent = int.MaxValue };
        await using var host = await StartAsync(log);
        using var client = host.CreateClient();
        var envelope = Events.Envelope(Events.MeldingOntvangen());

        using var response = await client.PostAsync(Route, CloudEvent(envelope));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(1, log.CallsFor(envelope.Id));
    }

    [Theory]
    [InlineData("data")]
    [InlineData("type")]
    [InlineData("json")]
    public async Task Deliver_PoisonEvent_AnswersDropWithoutCallingTheHandler(string defect)
    {
        var log = new HandlerLog();
        await using var host = await StartAsync(log);
        using var client = host.CreateClient();
        var body = defect switch
        {
            "data" => CloudEvent(Events.Envelope(MeldingOntvangen.Descriptor.FullName, [0xFF, 0xFF, 0xFF, 0xFF])),
            "type" => CloudEvent(Events.Envelope("veiligthuis.intake.v1.MeldingIngetrokken", [])),
            _ => new ByteArrayContent("{ nope"u8.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue(CloudEventJson.ContentType) } },
        };

        using var response = await client.PostAsync(Route, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("DROP", await StatusAsync(response));
        Assert.Empty(log.Calls);
    }

    [Fact]
    public async Task Deliver_WithAppTokenConfiguredButNotPresented_IsForbidden()
    {
        var log = new HandlerLog();
        await using var host = await StartAsync(log, AppToken);
        using var client = host.CreateClient();

        using var response = await client.PostAsync(Route, CloudEvent(Events.Envelope(Events.MeldingOntvangen())));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(log.Calls);
    }

    [Fact]
    public async Task Deliver_WithWrongAppToken_IsForbidden()
    {
        var log = new HandlerLog();
        await using var host = await StartAsync(log, AppToken);
        using var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Route) { Content = CloudEvent(Events.Envelope(Events.MeldingOntvangen())) };
        request.Headers.Add("dapr-api-token", AppToken + "x");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(log.Calls);
    }

    [Fact]
    public async Task Deliver_WithAppToken_RunsHandler()
    {
        var log = new HandlerLog();
        await using var host = await StartAsync(log, AppToken);
        using var client = host.CreateClient();
        var envelope = Events.Envelope(Events.MeldingOntvangen());
        using var request = new HttpRequestMessage(HttpMethod.Post, Route) { Content = CloudEvent(envelope) };
        request.Headers.Add("dapr-api-token", AppToken);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("SUCCESS", await StatusAsync(response));
        Assert.Equal(1, log.CallsFor(envelope.Id));
    }

    private static string? Property(JsonElement element, string name) =>
        element.EnumerateObject().SingleOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value.GetString();

    private static Uri Route => new(DaprSubscriptionEndpoints.PathFor(Events.Topic), UriKind.Relative);

    private static ByteArrayContent CloudEvent(EventEnvelope envelope) =>
        new(CloudEventJson.Serialize(envelope)) { Headers = { ContentType = new MediaTypeHeaderValue(CloudEventJson.ContentType) } };

    private static async Task<string?> StatusAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("status").GetString();
    }

    private static Task<EventHost> StartAsync(HandlerLog log, string? appToken = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Eventing:Transport"] = "Dapr",
            ["Eventing:Dapr:PubSubName"] = "pubsub-test",
            ["Eventing:Dapr:DeadLetterTopic"] = "deadletter-test",
            ["Auth:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
        if (appToken is not null)
        {
            settings["Eventing:Dapr:AppApiToken"] = appToken;
        }

        return EventHost.StartAsync(log, settings, withAuthentication: true);
    }
}
