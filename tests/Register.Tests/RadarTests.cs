using Google.Protobuf;
using Grpc.Core;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Common.V1;
using Veiligthuis.Register.V1;
using Veiligthuis.TestSupport;
using Xunit;
using static Veiligthuis.Register.Tests.TestData;

namespace Veiligthuis.Register.Tests;

/// <summary>Radar (issue 5): the owning regio is signalled when another regio touches its person.</summary>
[Collection(nameof(RegisterCollection))]
public sealed class RadarTests(RegisterApp app)
{
    private readonly V1.Register.RegisterClient _client = new(app.CreateGrpcChannel());

    private string Token(string regio) => app.Tokens.For(regio, Roles.RegisterClient);

    [Fact]
    public async Task Zoek_PersonOfAnotherRegio_SignalsTheOwnerOnceAndPublishesForTheOwner()
    {
        var bsn = Bsn();
        var registered = await _client.RegistreerBetrokkenheidAsync(Registratie(bsn), Auth.Bearer(Token(Utrecht)));
        await _client.RegistreerBetrokkenheidAsync(Registratie(bsn), Auth.Bearer(Token(Utrecht)));
        var persoonId = Guid.Parse(registered.Personen[0].PersoonId);

        await _client.ZoekBetrokkenheidAsync(new ZoekBetrokkenheidRequest { Bsn = bsn, Doel = Doel.Onderzoek },
            Auth.Bearer(Token(Haaglanden)));

        var signalen = await app.AdminQueryAsync(
            "SELECT signaal_id, ontvangende_regio, afzendende_regio, aanleiding, doel FROM signaal WHERE persoon_id = $1", persoonId);
        var signaal = Assert.Single(signalen);
        Assert.Equal(Utrecht, signaal[1]);
        Assert.Equal(Haaglanden, signaal[2]);
        Assert.Equal((int)Aanleiding.Zoekvraag, signaal[3]);
        Assert.Equal((int)Doel.Onderzoek, signaal[4]);

        var signaalId = (Guid)signaal[0]!;
        var events = await app.AdminQueryAsync(
            "SELECT regio, type, payload FROM outbox WHERE topic = $1 AND subject = $2", EventTopics.SignaalAfgegeven,
            signaalId.ToString());
        var outbox = Assert.Single(events);
        Assert.Equal(Utrecht, outbox[0]);
        Assert.Equal(SignaalAfgegeven.Descriptor.FullName, outbox[1]);
        var afgegeven = SignaalAfgegeven.Parser.ParseFrom((byte[])outbox[2]!);
        Assert.Equal(Regio.Utrecht, afgegeven.OntvangendeRegio);
        Assert.Equal(Regio.Haaglanden, afgegeven.AfzendendeRegio);
        Assert.Equal(Aanleiding.Zoekvraag, afgegeven.Aanleiding);
        var serialized = JsonFormatter.Default.Format(afgegeven) + afgegeven;
        Assert.DoesNotContain(bsn, serialized, StringComparison.Ordinal);
        Assert.DoesNotContain(persoonId.ToString(), serialized, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registreer_PersonOfAnotherRegio_SignalsTheOwnerOncePerCall_AndARepeatDoesNot()
    {
        var bsns = new[] { Bsn(), Bsn() };
        await _client.RegistreerBetrokkenheidAsync(Registratie(bsns), Auth.Bearer(Token(Utrecht)));
        var registratie = Registratie(bsns);

        var registered = await _client.RegistreerBetrokkenheidAsync(registratie, Auth.Bearer(Token(Haaglanden)));
        await _client.RegistreerBetrokkenheidAsync(registratie, Auth.Bearer(Token(Haaglanden)));

        var personen = registered.Personen.Select(p => Guid.Parse(p.PersoonId)).ToArray();
        var signaal = Assert.Single(await app.AdminQueryAsync(
            "SELECT ontvangende_regio, afzendende_regio, aanleiding, doel FROM signaal WHERE persoon_id = ANY($1)", personen));
        Assert.Equal([Utrecht, Haaglanden, (int)Aanleiding.Registratie, (int)Doel.Registratie], signaal);
        var geregistreerd = Assert.Single(await app.AdminQueryAsync(
            "SELECT regio, payload FROM outbox WHERE topic = $1 AND subject = $2", EventTopics.BetrokkenheidGeregistreerd,
            registered.BetrokkenheidId));
        Assert.Equal(Haaglanden, geregistreerd[0]);
        var payload = BetrokkenheidGeregistreerd.Parser.ParseFrom((byte[])geregistreerd[1]!);
        Assert.Equal(2, payload.AantalPersonen);
        Assert.Equal(registratie.Startdatum, payload.Startdatum);
    }

    [Fact]
    public async Task Zoek_OwnPerson_SignalsNothing()
    {
        var bsn = Bsn();
        var registered = await _client.RegistreerBetrokkenheidAsync(Registratie(bsn), Auth.Bearer(Token(Utrecht)));

        await _client.ZoekBetrokkenheidAsync(new ZoekBetrokkenheidRequest { Bsn = bsn, Doel = Doel.Onderzoek },
            Auth.Bearer(Token(Utrecht)));

        Assert.Equal(0L, await app.AdminScalarAsync<long>("SELECT count(*) FROM signaal WHERE persoon_id = $1",
            Guid.Parse(registered.Personen[0].PersoonId)));
    }

    [Fact]
    public async Task WatchSignalen_StreamsOnlyTheCallersSignals_LiveAndFromAResumePoint()
    {
        var bsn = Bsn();
        var registratie = Registratie(bsn);
        var registered = await _client.RegistreerBetrokkenheidAsync(registratie, Auth.Bearer(Token(Utrecht)));
        var persoonId = registered.Personen[0].PersoonId;
        using var haaglanden = _client.WatchSignalen(new WatchSignalenRequest(), Auth.Bearer(Token(Haaglanden)));
        using var utrecht = _client.WatchSignalen(new WatchSignalenRequest(), Auth.Bearer(Token(Utrecht)));

        await _client.ZoekBetrokkenheidAsync(new ZoekBetrokkenheidRequest { Bsn = bsn, Doel = Doel.Veiligheidsbeoordeling },
            Auth.Bearer(Token(Haaglanden)));

        var eerste = (await ReadUntilAsync(utrecht, s => s.PersoonId == persoonId, TimeSpan.FromSeconds(15)))
            .LastOrDefault(s => s.PersoonId == persoonId);
        Assert.NotNull(eerste);
        Assert.Equal(Regio.Haaglanden, eerste.AfzendendeRegio);
        Assert.Equal(Aanleiding.Zoekvraag, eerste.Aanleiding);
        Assert.Equal(Doel.Veiligheidsbeoordeling, eerste.Doel);
        var serialized = JsonFormatter.Default.Format(eerste) + Convert.ToBase64String(eerste.ToByteArray()) + eerste;
        Assert.DoesNotContain(bsn, serialized, StringComparison.Ordinal);
        Assert.DoesNotContain("Annabel", serialized, StringComparison.Ordinal);
        Assert.DoesNotContain("Testpersoon", serialized, StringComparison.Ordinal);
        Assert.DoesNotContain(registratie.CasusReferentie, serialized, StringComparison.Ordinal);
        Assert.DoesNotContain(registered.BetrokkenheidId, serialized, StringComparison.Ordinal);

        var inHaaglanden = await ReadUntilAsync(haaglanden, _ => false, TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(inHaaglanden, s => s.PersoonId == persoonId);
        foreach (var s in inHaaglanden)
        {
            Assert.Equal(Haaglanden, await app.AdminScalarAsync<string>(
                "SELECT ontvangende_regio FROM signaal WHERE signaal_id = $1", Guid.Parse(s.SignaalId)));
        }

        await _client.ZoekBetrokkenheidAsync(new ZoekBetrokkenheidRequest { Bsn = bsn, Doel = Doel.Onderzoek },
            Auth.Bearer(Token(Haaglanden)));
        using var hervat = _client.WatchSignalen(new WatchSignalenRequest { NaSignaalId = eerste.SignaalId },
            Auth.Bearer(Token(Utrecht)));
        var later = await ReadUntilAsync(hervat, s => s.PersoonId == persoonId, TimeSpan.FromSeconds(15));
        Assert.DoesNotContain(later, s => s.SignaalId == eerste.SignaalId);
        var tweede = Assert.Single(later, s => s.PersoonId == persoonId);
        Assert.Equal(Doel.Onderzoek, tweede.Doel);
        var eersteSeq = await app.AdminScalarAsync<long>("SELECT seq FROM signaal WHERE signaal_id = $1", Guid.Parse(eerste.SignaalId));
        foreach (var s in later)
        {
            Assert.True(await app.AdminScalarAsync<long>("SELECT seq FROM signaal WHERE signaal_id = $1", Guid.Parse(s.SignaalId))
                > eersteSeq);
        }

        Assert.True(await app.AdminScalarAsync<long>(
            "SELECT count(*) FROM toegangslog WHERE regio = $1 AND handeling = $2", Utrecht, (int)Handeling.Signalen) >= 2);
    }

    [Fact]
    public async Task WatchSignalen_ResumeFromAnotherRegiosSignal_IsNotFound()
    {
        var bsn = Bsn();
        await _client.RegistreerBetrokkenheidAsync(Registratie(bsn), Auth.Bearer(Token(Utrecht)));
        await _client.ZoekBetrokkenheidAsync(new ZoekBetrokkenheidRequest { Bsn = bsn, Doel = Doel.Onderzoek },
            Auth.Bearer(Token(Haaglanden)));
        var signaalId = await app.AdminScalarAsync<Guid>(
            "SELECT signaal_id FROM signaal WHERE ontvangende_regio = $1 ORDER BY seq DESC LIMIT 1", Utrecht);

        using var call = _client.WatchSignalen(new WatchSignalenRequest { NaSignaalId = signaalId.ToString() },
            Auth.Bearer(Token(Haaglanden)));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    /// <summary>Reads until <paramref name="stop"/> holds or the timeout passes; the call is cancelled by then.</summary>
    private static async Task<List<Signaal>> ReadUntilAsync(AsyncServerStreamingCall<Signaal> call, Func<Signaal, bool> stop,
        TimeSpan timeout)
    {
        var seen = new List<Signaal>();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await call.ResponseStream.MoveNext(cts.Token))
            {
                seen.Add(call.ResponseStream.Current);
                if (stop(call.ResponseStream.Current))
                {
                    break;
                }
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
        {
        }
        catch (OperationCanceledException)
        {
        }

        return seen;
    }
}
