using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Veiligthuis.BuildingBlocks.Werkdagen;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;
using Veiligthuis.Triage.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.EndToEnd.Tests;

/// <summary>The requests and reads the tests make through the gateway, over gRPC and over REST/JSON.</summary>
internal static class Flow
{
    public const string Utrecht = "vt-utrecht";
    public const string Haaglanden = "vt-haaglanden";

    /// <summary>Triage opens the werkitem from an event: allow for the outbox, Redis and the consumer.</summary>
    public static readonly TimeSpan WerkitemTimeout = TimeSpan.FromSeconds(30);

    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public static Meldingen.MeldingenClient Meldingen(Suite suite) => new(suite.GatewayGrpc);

    public static Werkvoorraad.WerkvoorraadClient Werkvoorraad(Suite suite) => new(suite.GatewayGrpc);

    public static async Task<Melding> CreateMeldingAsync(Suite suite, string regio, CreateMeldingRequest? request = null) =>
        await Meldingen(suite).CreateMeldingAsync(request ?? TestMeldingen.Valid(), Auth.Bearer(suite.Tokens.For(regio)), Suite.Deadline());

    /// <summary>Polls GetWerkitem through the gateway until triage has opened it; NotFound means not yet.</summary>
    public static Task<Werkitem> WaitForWerkitemAsync(Suite suite, string regio, string meldingId) =>
        Eventually.UntilAsync(async () =>
        {
            try
            {
                return await Werkvoorraad(suite).GetWerkitemAsync(
                    new GetWerkitemRequest { MeldingId = meldingId }, Auth.Bearer(suite.Tokens.For(regio)), Suite.Deadline(5));
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                return null;
            }
        }, WerkitemTimeout, $"the werkitem of melding {meldingId}");

    /// <summary>The statutory terms (domain.md §2) of a werkitem opened for a melding received at <paramref name="ontvangenOp"/>.</summary>
    public static void AssertOpenedWithTerms(Werkitem werkitem, string meldingId, Regio regio, Timestamp ontvangenOp)
    {
        var received = ontvangenOp.ToDateTimeOffset();
        var beoordeling = WerkdagenCalendar.Nederland.AddWerkdagen(AmsterdamTime.DateOf(received), 5);

        Assert.Equal(meldingId, werkitem.MeldingId);
        Assert.Equal(regio, werkitem.Regio);
        Assert.Equal(WerkitemStatus.AcuteCheckOpen, werkitem.Status);
        Assert.Equal(ontvangenOp, werkitem.OntvangenOp);
        Assert.Equal(received + TimeSpan.FromHours(2), werkitem.AcuteCheckUiterlijk.ToDateTimeOffset());
        Assert.Equal(
            new Google.Type.Date { Year = beoordeling.Year, Month = beoordeling.Month, Day = beoordeling.Day },
            werkitem.BeoordelingUiterlijk);
    }

    /// <summary>A REST call on the gateway's HTTP port, with a bearer token when given.</summary>
    public static async Task<HttpResponseMessage> RestAsync(
        Suite suite, HttpMethod method, string path, string? token, string? json = null, string? requestId = null)
    {
        using var request = new HttpRequestMessage(method, suite.GatewayRest(path));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (requestId is not null)
        {
            request.Headers.Add("x-request-id", requestId);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await suite.Http.SendAsync(request);
    }

    /// <summary>Reads a REST response body as the protobuf message it transcodes (proto3 JSON).</summary>
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response) where T : IMessage<T>, new()
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {body}");
        return Parser.Parse<T>(body);
    }

    /// <summary>Polls the REST werkitem read through the gateway until triage has opened it (404 until then).</summary>
    public static Task<string> WaitForWerkitemJsonAsync(Suite suite, string regio, string meldingId) =>
        Eventually.UntilAsync(async () =>
        {
            using var response = await RestAsync(suite, HttpMethod.Get, $"/api/v1/triage/meldingen/{meldingId}/werkitem", suite.Tokens.For(regio));
            var body = await response.Content.ReadAsStringAsync();
            return response.StatusCode switch
            {
                HttpStatusCode.OK => body,
                HttpStatusCode.NotFound => null,
                _ => throw new HttpRequestException($"GET werkitem answered {(int)response.StatusCode}: {body}"),
            };
        }, WerkitemTimeout, $"the werkitem of melding {meldingId} over REST");
}
