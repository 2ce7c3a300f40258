using System.Net;
using System.Text.Json;
using Google.Rpc;
using Grpc.Core;
using Npgsql;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.EndToEnd.Tests;

/// <summary>
/// An invalid melding is refused naming every bad field, through the gateway, and nothing is written.
/// Only this class creates meldingen for Drenthe, so its row counts are not moved by other tests.
/// </summary>
public sealed class ValidationTests(Suite suite)
{
    private const string Drenthe = "vt-drenthe";

    [Fact]
    public async Task CreateMelding_OverGrpcWithMissingAndMalformedFields_IsInvalidArgumentNamingEachFieldAndWritesNothing()
    {
        var request = new CreateMeldingRequest
        {
            RequestId = "not-a-uuid",                                                      // malformed
            // ontvangen_op missing
            Melder = new Melder { Betrokkenheid = Betrokkenheid.Beroepsmatig },            // groep missing
            Aard = { AardGeweld.Partnergeweld, (AardGeweld)999 },                          // unknown code
            VermoedelijkeDuur = (VermoedelijkeDuur)42,                                     // unknown code
        };
        var before = await CountAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => Flow.Meldingen(suite).CreateMeldingAsync(
            request, Auth.Bearer(suite.Tokens.For(Drenthe)), Suite.Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToHashSet();
        Assert.Equal(["aard", "melder.groep", "ontvangen_op", "request_id", "vermoedelijke_duur"], fields.Order());
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task CreateMelding_OverRestWithMissingAndMalformedFields_Is400NamingEachFieldAndWritesNothing()
    {
        // request_id and melder missing, ontvangen_op in the future, aard only ONBEKEND.
        var body = $$"""
            {
              "ontvangenOp": "{{DateTimeOffset.UtcNow.AddDays(3).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)}}",
              "aard": ["AARD_GEWELD_ONBEKEND"],
              "vermoedelijkeDuur": "VERMOEDELIJKE_DUUR_EENMALIG"
            }
            """;
        var before = await CountAsync();

        using var response = await Flow.RestAsync(suite, HttpMethod.Post, "/api/v1/intake/meldingen", suite.Tokens.For(Drenthe), body);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"Expected 400, got {(int)response.StatusCode}: {text}");
        Assert.Equal(["aard", "melder", "ontvangen_op", "request_id"], FieldViolations(text).Order());
        Assert.Equal(before, await CountAsync());
    }

    /// <summary>The fields named by the google.rpc.BadRequest detail of a transcoded error body.</summary>
    private static HashSet<string> FieldViolations(string body)
    {
        using var json = JsonDocument.Parse(body);
        var fields = new HashSet<string>();
        foreach (var detail in json.RootElement.GetProperty("details").EnumerateArray())
        {
            if (detail.GetProperty("@type").GetString() == "type.googleapis.com/" + BadRequest.Descriptor.FullName)
            {
                foreach (var violation in detail.GetProperty("fieldViolations").EnumerateArray())
                {
                    fields.Add(violation.GetProperty("field").GetString()!);
                }
            }
        }

        return fields;
    }

    /// <summary>Drenthe's meldingen and outbox events, counted as the admin past row-level security.</summary>
    private async Task<(long Meldingen, long Events)> CountAsync()
    {
        await using var connection = new NpgsqlConnection(await TestInfrastructure.AdminConnectionToAsync(suite.ConnectionString("intake")));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM melding WHERE regio = $1), (SELECT count(*) FROM outbox WHERE regio = $1)", connection)
        {
            Parameters = { new NpgsqlParameter { Value = Drenthe } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
