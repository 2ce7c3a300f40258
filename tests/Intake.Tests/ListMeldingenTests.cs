using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Intake.Tests;

/// <summary>Only this class writes meldingen in vt-drenthe, and each test uses its own days.</summary>
[Collection(nameof(IntakeCollection))]
public sealed class ListMeldingenTests(IntakeApp app)
{
    private const string Drenthe = "vt-drenthe";
    private const string Zeeland = "vt-zeeland";
    private static readonly TimeSpan Zomertijd = TimeSpan.FromHours(2);
    private readonly V1.Meldingen.MeldingenClient _client = new(app.CreateGrpcChannel());

    private Metadata As(string regio) => Auth.Bearer(app.Tokens.For(regio));

    private async Task<Melding> CreateAsync(DateTimeOffset ontvangenOp, Action<CreateMeldingRequest>? change = null, string regio = Drenthe)
    {
        var request = TestMeldingen.Valid(ontvangenOp);
        change?.Invoke(request);
        return await _client.CreateMeldingAsync(request, As(regio));
    }

    private static DateRange Dag(int year, int month, int day) => new()
    {
        Van = new Google.Type.Date { Year = year, Month = month, Day = day },
        TotEnMet = new Google.Type.Date { Year = year, Month = month, Day = day },
    };

    [Fact]
    public async Task ListMeldingen_FilterOnPeriode_UsesAmsterdamDays_NewestFirst()
    {
        var dayBefore = await CreateAsync(new DateTimeOffset(2021, 4, 30, 23, 50, 0, Zomertijd));
        var first = await CreateAsync(new DateTimeOffset(2021, 5, 1, 0, 10, 0, Zomertijd));
        var last = await CreateAsync(new DateTimeOffset(2021, 5, 1, 23, 50, 0, Zomertijd));
        var dayAfter = await CreateAsync(new DateTimeOffset(2021, 5, 2, 0, 0, 0, Zomertijd));

        var page = await _client.ListMeldingenAsync(new ListMeldingenRequest { Periode = Dag(2021, 5, 1) }, As(Drenthe));

        Assert.Equal([last.MeldingId, first.MeldingId], page.Meldingen.Select(m => m.MeldingId));
        Assert.Equal("", page.Page.NextPageToken);
        Assert.Equal(first, page.Meldingen[1]);
        var open = await _client.ListMeldingenAsync(new ListMeldingenRequest
        {
            Periode = new DateRange { Van = new Google.Type.Date { Year = 2021, Month = 4, Day = 30 } },
            Page = new PageRequest { PageSize = 500 },
        }, As(Drenthe));
        Assert.Contains(dayBefore.MeldingId, open.Meldingen.Select(m => m.MeldingId));
        Assert.Contains(dayAfter.MeldingId, open.Meldingen.Select(m => m.MeldingId));
    }

    [Fact]
    public async Task ListMeldingen_FilterOnMelderGroepAndKinderen_ReturnsOnlyMatches()
    {
        var day = new DateTimeOffset(2021, 6, 3, 12, 0, 0, Zomertijd);
        var politieMetKind = await CreateAsync(day);
        var politieZonderKind = await CreateAsync(day.AddMinutes(1), r => r.Betrokkenen.RemoveAt(2));
        var burger = await CreateAsync(day.AddMinutes(2), r =>
        {
            r.Melder = new Melder { Groep = MelderGroep.NietProfessional, Betrokkenheid = Betrokkenheid.NietBeroepsmatig, Rol = MelderRol.Buur };
        });
        var zonderHuishouden = await CreateAsync(day.AddMinutes(3), r =>
        {
            r.Huishouden = null;
            r.Betrokkenen.Clear();
        });

        async Task<IEnumerable<string>> ListAsync(MelderGroep groep, bool? metKinderen)
        {
            var request = new ListMeldingenRequest { Periode = Dag(2021, 6, 3), MelderGroep = groep };
            if (metKinderen is { } k)
            {
                request.MetKinderen = k;
            }

            return (await _client.ListMeldingenAsync(request, As(Drenthe))).Meldingen.Select(m => m.MeldingId);
        }

        Assert.Equal([zonderHuishouden.MeldingId, politieZonderKind.MeldingId, politieMetKind.MeldingId], await ListAsync(MelderGroep.Politie, null));
        Assert.Equal([burger.MeldingId], await ListAsync(MelderGroep.NietProfessional, null));
        Assert.Equal([burger.MeldingId, politieMetKind.MeldingId], await ListAsync(MelderGroep.Onbekend, true));
        Assert.Equal([zonderHuishouden.MeldingId, politieZonderKind.MeldingId], await ListAsync(MelderGroep.Onbekend, false));
    }

    [Fact]
    public async Task ListMeldingen_PageSizeTwo_ReturnsEveryMeldingExactlyOnceWhileOthersAreInserted()
    {
        var start = new DateTimeOffset(2021, 7, 1, 8, 0, 0, Zomertijd);
        var existing = new List<string>();
        foreach (var minutes in new[] { 0, 5, 5, 5, 30, 30, 60 })
        {
            existing.Add((await CreateAsync(start.AddMinutes(minutes))).MeldingId);
        }

        var seen = new List<string>();
        var token = "";
        var pages = 0;
        var inserted = new[] { 90, 1, 5, 30, 59, 4, 0, 61 }.Select(m => start.AddMinutes(m)).GetEnumerator();
        do
        {
            var page = await _client.ListMeldingenAsync(new ListMeldingenRequest
            {
                Periode = Dag(2021, 7, 1),
                Page = new PageRequest { PageSize = 2, PageToken = token },
            }, As(Drenthe));
            Assert.True(page.Meldingen.Count <= 2);
            seen.AddRange(page.Meldingen.Select(m => m.MeldingId));
            token = page.Page.NextPageToken;
            pages++;
            if (inserted.MoveNext())
            {
                await CreateAsync(inserted.Current);
            }
        }
        while (token.Length > 0 && pages < 50);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.All(existing, id => Assert.Single(seen, id));
    }

    [Fact]
    public async Task ListMeldingen_OfAnotherRegio_IsEmpty()
    {
        await CreateAsync(new DateTimeOffset(2021, 8, 9, 12, 0, 0, Zomertijd));

        var page = await _client.ListMeldingenAsync(new ListMeldingenRequest { Periode = Dag(2021, 8, 9) }, As(Zeeland));

        Assert.Empty(page.Meldingen);
    }

    [Fact]
    public async Task ListMeldingen_TokenOfAnotherFilter_ReturnsInvalidArgument()
    {
        var day = new DateTimeOffset(2021, 9, 14, 12, 0, 0, Zomertijd);
        await CreateAsync(day);
        await CreateAsync(day.AddMinutes(1));
        var page = await _client.ListMeldingenAsync(new ListMeldingenRequest
        {
            Periode = Dag(2021, 9, 14),
            Page = new PageRequest { PageSize = 1 },
        }, As(Drenthe));

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.ListMeldingenAsync(new ListMeldingenRequest
        {
            Periode = Dag(2021, 9, 14),
            MelderGroep = MelderGroep.Politie,
            Page = new PageRequest { PageSize = 1, PageToken = page.Page.NextPageToken },
        }, As(Drenthe)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["page.page_token"], error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public async Task ListMeldingen_BadFields_NamesEachField()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.ListMeldingenAsync(new ListMeldingenRequest
        {
            Periode = new DateRange
            {
                Van = new Google.Type.Date { Year = 2021, Month = 2, Day = 30 },
                TotEnMet = new Google.Type.Date { Year = 2021, Month = 13, Day = 1 },
            },
            MelderGroep = (MelderGroep)99,
            Page = new PageRequest { PageSize = 501, PageToken = "nope" },
        }, As(Drenthe)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["melder_groep", "page.page_size", "page.page_token", "periode.tot_en_met", "periode.van"],
            error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ListMeldingen_OverRest_ListsWithoutTheMelderIdentiteit()
    {
        var melding = await CreateAsync(new DateTimeOffset(2021, 10, 21, 9, 30, 0, Zomertijd));
        using var rest = app.CreateRestClient(app.Tokens.For(Drenthe));

        var json = await rest.GetStringAsync(
            "/api/v1/intake/meldingen?periode.van.year=2021&periode.van.month=10&periode.van.day=21" +
            "&periode.totEnMet.year=2021&periode.totEnMet.month=10&periode.totEnMet.day=21&melderGroep=MELDER_GROEP_POLITIE&page.pageSize=10");
        var grpc = await _client.ListMeldingenAsync(new ListMeldingenRequest { Periode = Dag(2021, 10, 21) }, As(Drenthe));

        using var listed = JsonDocument.Parse(json);
        var item = Assert.Single(listed.RootElement.GetProperty("meldingen").EnumerateArray());
        Assert.Equal(melding.MeldingId, item.GetProperty("meldingId").GetString());
        Assert.Equal(3, item.GetProperty("betrokkenen").GetArrayLength());
        foreach (var bytes in new[] { Encoding.UTF8.GetBytes(json), grpc.ToByteArray() })
        {
            foreach (var secret in new[] { TestMeldingen.MelderNaam, TestMeldingen.MelderTelefoon, TestMeldingen.MelderEmail })
            {
                Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)));
            }
        }
    }
}
