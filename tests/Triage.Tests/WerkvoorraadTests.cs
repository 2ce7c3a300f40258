using Google.Rpc;
using Grpc.Core;
using Veiligthuis.BuildingBlocks.Werkdagen;
using Veiligthuis.Common.V1;
using Veiligthuis.TestSupport;
using Veiligthuis.Triage.V1;
using Veiligthuis.Triage.Werkvoorraad;
using Xunit;

namespace Veiligthuis.Triage.Tests;

[Collection(nameof(TriageCollection))]
public sealed class WerkvoorraadTests(TriageApp app)
{
    // Only this class uses these regios (MetricsTests owns Zeeland and Midden-Brabant), so no other test's rows show up in its lists.
    private const string Twente = "vt-twente";
    private const string ZuidLimburg = "vt-zuid-limburg";
    private readonly V1.Werkvoorraad.WerkvoorraadClient _client = new(app.CreateGrpcChannel());
    private readonly string _token = app.Tokens.For(Twente);

    [Fact]
    public async Task ListWerkvoorraad_OrdersByUrgencyFiltersAndCountsPerStatus()
    {
        var now = DateTimeOffset.UtcNow;
        var sameMoment = now.AddDays(-2);
        var seeded = await app.OpenWerkitemsAsync(Twente,
            now.AddMinutes(-1), now.AddHours(-3), now.AddDays(-10), sameMoment, sameMoment, now.AddDays(-1), now.AddDays(-4));
        // One with its acute check done, one afgerond: all three statuses are present.
        await ClaimAndRecordAcuteCheckAsync(seeded[5]);
        await ClaimAndRecordAcuteCheckAsync(seeded[6]);
        await _client.RondBeoordelingAfAsync(new RondBeoordelingAfRequest
        {
            WerkitemId = seeded[6].WerkitemId,
            Veiligheidstaxatie = { Veiligheidstaxatie.GeenZorgen },
            Besluit = Besluit.GeenVervolg,
            Motivatie = "Geen zorgen.",
            MedeBeoordelaar = "collega-gw-1",
            MedeBeoordelaarDeskundigheid = Deskundigheid.Gedragswetenschapper,
        }, Auth.Bearer(_token));

        var open = await ListAllAsync(new ListWerkvoorraadRequest());

        var openIds = open.Select(w => w.WerkitemId).ToList();
        Assert.Equal(openIds.Count, openIds.Distinct().Count());
        Assert.All(seeded.Take(6), w => Assert.Contains(w.WerkitemId, openIds));
        Assert.DoesNotContain(seeded[6].WerkitemId, openIds);
        Assert.All(open, w => Assert.NotEqual(WerkitemStatus.Afgerond, w.Status));
        for (var i = 1; i < open.Count; i++)
        {
            Assert.True(CompareUrgency(open[i - 1], open[i]) < 0, $"item {i} is out of order");
        }

        Assert.Equal(WerkitemStatus.AcuteCheckOpen, open[0].Status);
        Assert.Equal(WerkitemStatus.BeoordelingOpen, open[^1].Status);

        var today = AmsterdamTime.Today(TimeProvider.System);
        var checkedAt = DateTimeOffset.UtcNow;
        var teLaat = await ListAllAsync(new ListWerkvoorraadRequest { AlleenTeLaat = true });
        Assert.Equal(open.Where(w => IsTeLaat(w, today, checkedAt)).Select(w => w.WerkitemId), teLaat.Select(w => w.WerkitemId));
        Assert.Contains(seeded[1].WerkitemId, teLaat.Select(w => w.WerkitemId));   // acute check 1 hour overdue
        Assert.Contains(seeded[2].WerkitemId, teLaat.Select(w => w.WerkitemId));   // beoordeling overdue
        Assert.DoesNotContain(seeded[0].WerkitemId, teLaat.Select(w => w.WerkitemId));

        var vandaag = await ListAllAsync(new ListWerkvoorraadRequest { VandaagUiterlijk = true });
        Assert.Equal(open.Where(w => IsVandaag(w, today)).Select(w => w.WerkitemId), vandaag.Select(w => w.WerkitemId));

        var beoordelingOpen = await ListAllAsync(new ListWerkvoorraadRequest { Status = WerkitemStatus.BeoordelingOpen });
        Assert.Equal(open.Where(w => w.Status == WerkitemStatus.BeoordelingOpen).Select(w => w.WerkitemId),
            beoordelingOpen.Select(w => w.WerkitemId));
        var afgerond = await ListAllAsync(new ListWerkvoorraadRequest { Status = WerkitemStatus.Afgerond });
        Assert.Contains(seeded[6].WerkitemId, afgerond.Select(w => w.WerkitemId));

        var aantallen = (await _client.ListWerkvoorraadAsync(new ListWerkvoorraadRequest(), Auth.Bearer(_token)))
            .Aantallen.ToDictionary(a => a.Status, a => a.Aantal);
        Assert.Equal(open.Count(w => w.Status == WerkitemStatus.AcuteCheckOpen), aantallen.GetValueOrDefault(WerkitemStatus.AcuteCheckOpen));
        Assert.Equal(open.Count(w => w.Status == WerkitemStatus.BeoordelingOpen), aantallen.GetValueOrDefault(WerkitemStatus.BeoordelingOpen));
        Assert.Equal(afgerond.Count, aantallen.GetValueOrDefault(WerkitemStatus.Afgerond));
    }

    [Fact]
    public async Task ListWerkvoorraad_VandaagUiterlijk_PagesFiltersAndOrdersLikeTheFullWerkvoorraad()
    {
        var today = AmsterdamTime.Today(TimeProvider.System);
        var midnight = AmsterdamTime.StartOfDay(today);
        // Received five werkdagen before today (none when today is no werkdag), so the beoordeling is due today.
        var fiveWerkdagenAgo = Enumerable.Range(5, 10).Select(days => AmsterdamTime.StartOfDay(today.AddDays(-days)).AddHours(10))
            .Where(op => Termijnen.BeoordelingUiterlijk(op) == today).ToArray();
        var seeded = await app.OpenWerkitemsAsync(Twente, [
            midnight.AddMinutes(1), midnight.AddMinutes(2), midnight.AddHours(-3), midnight.AddDays(-1),
            .. fiveWerkdagenAgo, .. fiveWerkdagenAgo, .. fiveWerkdagenAgo.Select(op => op.AddMinutes(5))]);
        foreach (var w in seeded.Skip(4 + fiveWerkdagenAgo.Length))
        {
            await ClaimAndRecordAcuteCheckAsync(w);
        }

        var checkedAt = DateTimeOffset.UtcNow;
        var open = await ListAllAsync(new ListWerkvoorraadRequest());
        var expected = open.Where(w => IsVandaag(w, today)).Select(w => w.WerkitemId).ToList();

        var vandaag = await ListAllAsync(new ListWerkvoorraadRequest { VandaagUiterlijk = true });
        var perItem = await ListAllAsync(new ListWerkvoorraadRequest { VandaagUiterlijk = true }, pageSize: 1);
        var teLaat = await ListAllAsync(new ListWerkvoorraadRequest { VandaagUiterlijk = true, AlleenTeLaat = true });
        var acute = await ListAllAsync(new ListWerkvoorraadRequest { VandaagUiterlijk = true, Status = WerkitemStatus.AcuteCheckOpen });
        var later = await ListAllAsync(new ListWerkvoorraadRequest { VandaagUiterlijk = true, Status = WerkitemStatus.BeoordelingOpen });

        Assert.Equal(expected, vandaag.Select(w => w.WerkitemId));
        Assert.Contains(seeded[0].WerkitemId, expected);
        Assert.Contains(seeded[1].WerkitemId, expected);
        Assert.DoesNotContain(seeded[2].WerkitemId, expected);
        Assert.DoesNotContain(seeded[3].WerkitemId, expected);
        Assert.All(seeded.Skip(4), w => Assert.Contains(w.WerkitemId, expected));
        Assert.Equal(expected, perItem.Select(w => w.WerkitemId));
        Assert.Equal(vandaag.Where(w => IsTeLaat(w, today, checkedAt)).Select(w => w.WerkitemId), teLaat.Select(w => w.WerkitemId));
        Assert.Equal(vandaag.Where(w => w.Status == WerkitemStatus.AcuteCheckOpen).Select(w => w.WerkitemId),
            acute.Select(w => w.WerkitemId));
        Assert.Equal(vandaag.Where(w => w.Status == WerkitemStatus.BeoordelingOpen).Select(w => w.WerkitemId),
            later.Select(w => w.WerkitemId));
    }

    [Fact]
    public async Task ListWerkvoorraad_PagingWhileItemsAreInserted_ReturnsEveryItemExactlyOnce()
    {
        var now = DateTimeOffset.UtcNow;
        await app.OpenWerkitemsAsync(Twente, now.AddMinutes(-5), now.AddMinutes(-200), now.AddDays(-3), now.AddDays(-3),
            now.AddDays(-6), now.AddDays(-8), now.AddHours(-30));
        var before = (await ListAllAsync(new ListWerkvoorraadRequest())).Select(w => w.WerkitemId).ToList();

        var seen = new List<string>();
        var request = new ListWerkvoorraadRequest { Page = new PageRequest { PageSize = 2 } };
        var inserted = 0;
        while (true)
        {
            var page = await _client.ListWerkvoorraadAsync(request, Auth.Bearer(_token));
            Assert.True(page.Werkitems.Count <= 2);
            seen.AddRange(page.Werkitems.Select(w => w.WerkitemId));
            if (page.Page.NextPageToken.Length == 0)
            {
                break;
            }

            // New work arrives between pages, both more and less urgent than the cursor.
            await app.OpenWerkitemsAsync(Twente, DateTimeOffset.UtcNow.AddMinutes(-inserted), DateTimeOffset.UtcNow.AddDays(-20 - inserted));
            inserted += 2;
            request.Page.PageToken = page.Page.NextPageToken;
        }

        Assert.True(inserted > 0);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.All(before, id => Assert.Single(seen, id));
    }

    [Fact]
    public async Task ListWerkvoorraad_OfAnotherRegio_SeesNothingOfThisRegio()
    {
        var werkitem = await app.OpenWerkitemAsync(Twente);

        var other = await _client.ListWerkvoorraadAsync(new ListWerkvoorraadRequest { Page = new PageRequest { PageSize = 500 } },
            Auth.Bearer(app.Tokens.For(ZuidLimburg)));

        Assert.Empty(other.Werkitems);
        Assert.Empty(other.Aantallen);
        Assert.Contains(werkitem.WerkitemId, (await ListAllAsync(new ListWerkvoorraadRequest())).Select(w => w.WerkitemId));
    }

    [Fact]
    public async Task ListWerkvoorraad_WithPageSizeOver500_ReturnsInvalidArgumentWithFieldViolation()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.ListWerkvoorraadAsync(
            new ListWerkvoorraadRequest { Page = new PageRequest { PageSize = 501 } }, Auth.Bearer(_token)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations, v => v.Field == "page.page_size");
    }

    [Fact]
    public async Task ListWerkvoorraad_WithATokenOfOtherFilters_ReturnsInvalidArgument()
    {
        await app.OpenWerkitemsAsync(Twente, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
        var first = await _client.ListWerkvoorraadAsync(new ListWerkvoorraadRequest { Page = new PageRequest { PageSize = 1 } },
            Auth.Bearer(_token));

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.ListWerkvoorraadAsync(new ListWerkvoorraadRequest
        {
            AlleenTeLaat = true,
            Page = new PageRequest { PageSize = 1, PageToken = first.Page.NextPageToken },
        }, Auth.Bearer(_token)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task ListWerkvoorraad_WithAForgedToken_ReturnsInvalidArgumentWithFieldViolation()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.ListWerkvoorraadAsync(new ListWerkvoorraadRequest
        {
            Page = new PageRequest { PageToken = Convert.ToBase64String("v1|000|0|x"u8.ToArray()) },
        }, Auth.Bearer(_token)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations, v => v.Field == "page.page_token");
    }

    [Fact]
    public async Task ListWerkvoorraad_OverRest_ReturnsItemsAndCountsAsJson()
    {
        var werkitem = await app.OpenWerkitemAsync(Twente);

        using var rest = app.CreateRestClient(_token);
        var json = await rest.GetStringAsync("/api/v1/triage/werkvoorraad?status=WERKITEM_STATUS_ACUTE_CHECK_OPEN&page.pageSize=500");

        Assert.Contains(werkitem.WerkitemId, json, StringComparison.Ordinal);
        Assert.Contains("\"aantallen\"", json, StringComparison.Ordinal);
    }

    private async Task ClaimAndRecordAcuteCheckAsync(Werkitem werkitem)
    {
        await _client.ClaimWerkitemAsync(new ClaimWerkitemRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(_token));
        await _client.LegAcuteCheckVastAsync(new LegAcuteCheckVastRequest { WerkitemId = werkitem.WerkitemId },
            Auth.Bearer(_token));
    }

    private Task<List<Werkitem>> ListAllAsync(ListWerkvoorraadRequest request, int pageSize = 500) =>
        _client.ListAllAsync(request, _token, pageSize);

    private static bool IsTeLaat(Werkitem w, DateOnly today, DateTimeOffset now) =>
        Date(w) < today || (w.Status == WerkitemStatus.AcuteCheckOpen && w.AcuteCheckUiterlijk.ToDateTimeOffset() < now);

    private static bool IsVandaag(Werkitem w, DateOnly today) =>
        Date(w) == today ||
        (w.Status == WerkitemStatus.AcuteCheckOpen && AmsterdamTime.DateOf(w.AcuteCheckUiterlijk.ToDateTimeOffset()) == today);

    private static DateOnly Date(Werkitem w) =>
        new(w.BeoordelingUiterlijk.Year, w.BeoordelingUiterlijk.Month, w.BeoordelingUiterlijk.Day);

    /// <summary>The werkvoorraad order: open acute checks by deadline, then beoordeling deadline, receipt, id.</summary>
    private static int CompareUrgency(Werkitem a, Werkitem b)
    {
        static (int, DateTimeOffset, DateOnly, DateTimeOffset, string) Key(Werkitem w) => (
            w.Status == WerkitemStatus.AcuteCheckOpen ? 0 : 1,
            w.Status == WerkitemStatus.AcuteCheckOpen ? w.AcuteCheckUiterlijk.ToDateTimeOffset() : DateTimeOffset.UnixEpoch,
            Date(w), w.OntvangenOp.ToDateTimeOffset(), w.WerkitemId);

        var (a1, a2, a3, a4, a5) = Key(a);
        var (b1, b2, b3, b4, b5) = Key(b);
        var c = a1.CompareTo(b1);
        c = c != 0 ? c : a2.CompareTo(b2);
        c = c != 0 ? c : a3.CompareTo(b3);
        c = c != 0 ? c : a4.CompareTo(b4);
        return c != 0 ? c : string.CompareOrdinal(a5, b5);
    }
}
