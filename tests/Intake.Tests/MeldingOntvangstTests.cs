using Veiligthuis.Intake.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Intake.Tests;

/// <summary>
/// Meldingen stored in batches (ADR 0027): with one writer (IntakeApp), meldingen sent together share transactions.
/// A batch answers and stores exactly what one-by-one storing would.
/// </summary>
[Collection(nameof(IntakeCollection))]
public sealed class MeldingOntvangstTests(IntakeApp app)
{
    private const string Utrecht = "vt-utrecht";
    private readonly V1.Meldingen.MeldingenClient _client = new(app.CreateGrpcChannel());

    [Fact]
    public async Task MeldingenSentTogether_EachGetTheirOwnCasusAndOneEventCarryingIt()
    {
        var token = Auth.Bearer(app.Tokens.For(Utrecht));

        var meldingen = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => _client.CreateMeldingAsync(TestMeldingen.Valid(), token).ResponseAsync));

        Assert.Equal(24, meldingen.Select(m => m.CasusId).Distinct().Count());
        foreach (var melding in meldingen)
        {
            var payload = await app.AdminScalarAsync<byte[]>("SELECT payload FROM outbox WHERE subject = $1 AND topic = $2",
                melding.MeldingId, EventTopics.MeldingOntvangen);
            var ontvangen = MeldingOntvangen.Parser.ParseFrom(payload);
            Assert.Equal(melding.MeldingId, ontvangen.MeldingId);
            Assert.Equal(melding.CasusId, ontvangen.CasusId);
            Assert.Equal(melding.Aard, ontvangen.Aard);
            Assert.Equal(melding.Melder.Groep, ontvangen.MelderGroep);
        }
    }

    [Fact]
    public async Task RepeatsOfStoredMeldingen_SentAmongNewOnes_AnswerTheFirstMelding_AndEveryOtherIsStoredOnce()
    {
        var token = Auth.Bearer(app.Tokens.For(Utrecht));
        var stored = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => TestMeldingen.Valid())
            .Select(async r => (Request: r, Melding: await _client.CreateMeldingAsync(r, token).ResponseAsync)));
        var nieuw = Enumerable.Range(0, 15).Select(_ => TestMeldingen.Valid()).ToList();

        // The repeats come in the same batches as new meldingen: such a batch is rolled back and stored one by one.
        var requests = nieuw.Concat(stored.Select(s => s.Request)).OrderBy(_ => Random.Shared.Next()).ToList();
        var answers = await Task.WhenAll(requests.Select(r => _client.CreateMeldingAsync(r, token).ResponseAsync));

        foreach (var (request, melding) in stored)
        {
            var answer = answers[requests.IndexOf(request)];
            Assert.Equal((melding.MeldingId, melding.CasusId, melding.Casusnummer), (answer.MeldingId, answer.CasusId, answer.Casusnummer));
        }

        foreach (var request in requests)
        {
            Assert.Equal(1L, await app.AdminScalarAsync<long>("SELECT count(*) FROM melding WHERE request_id = $1", Guid.Parse(request.RequestId)));
            var meldingId = answers[requests.IndexOf(request)].MeldingId;
            Assert.Equal(1L, await app.AdminScalarAsync<long>("SELECT count(*) FROM outbox WHERE subject = $1", meldingId));
        }

        Assert.Contains(app.Logs.Lines, l => l.Contains("was rolled back", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MeldingenAboutOneHuishoudenSentTogether_InBatches_ShareOneCasus()
    {
        var token = Auth.Bearer(app.Tokens.For(Utrecht));
        var huishouden = new Huishouden { Postcode = "3512 AB", Huisnummer = 7000 + Random.Shared.Next(1000) };

        var meldingen = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => _client.CreateMeldingAsync(
            TestMeldingen.Valid(huishouden: i % 2 == 0 ? huishouden : null), token).ResponseAsync));

        var samen = meldingen.Where((_, i) => i % 2 == 0).ToList();
        Assert.Single(samen.Select(m => m.CasusId).Distinct());
        Assert.Equal(7, meldingen.Select(m => m.CasusId).Distinct().Count());
    }
}
