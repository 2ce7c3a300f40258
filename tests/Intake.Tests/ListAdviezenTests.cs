using Google.Rpc;
using Grpc.Core;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Intake.Tests;

/// <summary>Only this class writes adviezen in vt-flevoland, and each test uses its own periode.</summary>
[Collection(nameof(IntakeCollection))]
public sealed class ListAdviezenTests(IntakeApp app)
{
    private const string Flevoland = "vt-flevoland";
    private const string Zuidoost = "vt-zuidoost-brabant";
    private readonly V1.Adviezen.AdviezenClient _client = new(app.CreateGrpcChannel());

    private Metadata As(string regio) => Auth.Bearer(app.Tokens.For(regio));

    private async Task<Advies> CreateAsync(DateOnly startdatum, string regio = Flevoland) =>
        await _client.CreateAdviesAsync(TestAdviezen.Professional(startdatum), As(regio));

    private static DateRange Periode(DateOnly? van, DateOnly? totEnMet) => new()
    {
        Van = van is { } v ? TestAdviezen.ToDate(v) : null,
        TotEnMet = totEnMet is { } t ? TestAdviezen.ToDate(t) : null,
    };

    [Fact]
    public async Task ListAdviezen_FilterOnPeriode_ReturnsOnlyAdviezenStartingInIt_NewestFirst()
    {
        var before = await CreateAsync(new DateOnly(2022, 4, 30));
        var first = await CreateAsync(new DateOnly(2022, 5, 1));
        var last = await CreateAsync(new DateOnly(2022, 5, 31));
        var after = await CreateAsync(new DateOnly(2022, 6, 1));

        var page = await _client.ListAdviezenAsync(new ListAdviezenRequest
        {
            Periode = Periode(new DateOnly(2022, 5, 1), new DateOnly(2022, 5, 31)),
        }, As(Flevoland));

        Assert.Equal([last.AdviesId, first.AdviesId], page.Adviezen.Select(a => a.AdviesId));
        Assert.Equal("", page.Page.NextPageToken);
        var open = await _client.ListAdviezenAsync(new ListAdviezenRequest
        {
            Periode = Periode(new DateOnly(2022, 4, 30), null),
            Page = new PageRequest { PageSize = 500 },
        }, As(Flevoland));
        Assert.Contains(before.AdviesId, open.Adviezen.Select(a => a.AdviesId));
        Assert.Contains(after.AdviesId, open.Adviezen.Select(a => a.AdviesId));
    }

    [Fact]
    public async Task ListAdviezen_PageSizeTwo_ReturnsEveryAdviesExactlyOnceWhileOthersAreInserted()
    {
        var van = new DateOnly(2021, 3, 1);
        var totEnMet = new DateOnly(2021, 3, 10);
        var startdata = new[] { 2, 3, 3, 5, 5, 5, 8 }.Select(d => new DateOnly(2021, 3, d)).ToList();
        var existing = new List<string>();
        foreach (var startdatum in startdata)
        {
            existing.Add((await CreateAsync(startdatum)).AdviesId);
        }

        var seen = new List<string>();
        var token = "";
        var pages = 0;
        var inserted = new[] { 10, 1, 5, 3, 9, 4, 6, 7 }.Select(d => new DateOnly(2021, 3, d)).GetEnumerator();
        do
        {
            var page = await _client.ListAdviezenAsync(new ListAdviezenRequest
            {
                Periode = Periode(van, totEnMet),
                Page = new PageRequest { PageSize = 2, PageToken = token },
            }, As(Flevoland));
            Assert.True(page.Adviezen.Count <= 2);
            seen.AddRange(page.Adviezen.Select(a => a.AdviesId));
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
    public async Task ListAdviezen_DefaultPageSize_IsFifty()
    {
        var day = new DateOnly(2020, 7, 1);
        for (var i = 0; i < 51; i++)
        {
            await CreateAsync(day);
        }

        var page = await _client.ListAdviezenAsync(new ListAdviezenRequest { Periode = Periode(day, day) }, As(Flevoland));

        Assert.Equal(50, page.Adviezen.Count);
        Assert.NotEqual("", page.Page.NextPageToken);
    }

    [Fact]
    public async Task ListAdviezen_OfAnotherRegio_IsEmpty()
    {
        var day = new DateOnly(2020, 2, 29);
        await CreateAsync(day);

        var page = await _client.ListAdviezenAsync(new ListAdviezenRequest { Periode = Periode(day, day) }, As(Zuidoost));

        Assert.Empty(page.Adviezen);
        Assert.Equal("", page.Page.NextPageToken);
    }

    [Theory]
    [InlineData("not a token")]
    [InlineData("djF8fDIwMjB8eA==")]
    public async Task ListAdviezen_BadPageToken_ReturnsInvalidArgument(string token)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.ListAdviezenAsync(new ListAdviezenRequest
        {
            Page = new PageRequest { PageToken = token },
        }, As(Flevoland)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("page.page_token", Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
    }

    [Fact]
    public async Task ListAdviezen_TokenOfAnotherPeriode_ReturnsInvalidArgument()
    {
        var day = new DateOnly(2020, 9, 1);
        await CreateAsync(day);
        await CreateAsync(day);
        var page = await _client.ListAdviezenAsync(new ListAdviezenRequest
        {
            Periode = Periode(day, day),
            Page = new PageRequest { PageSize = 1 },
        }, As(Flevoland));

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.ListAdviezenAsync(new ListAdviezenRequest
        {
            Periode = Periode(day, null),
            Page = new PageRequest { PageSize = 1, PageToken = page.Page.NextPageToken },
        }, As(Flevoland)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task ListAdviezen_BadPageSizeAndPeriode_NamesEachField()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.ListAdviezenAsync(new ListAdviezenRequest
        {
            Periode = Periode(new DateOnly(2022, 2, 1), new DateOnly(2022, 1, 1)),
            Page = new PageRequest { PageSize = 501 },
        }, As(Flevoland)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).Order();
        Assert.Equal(["page.page_size", "periode"], fields);
    }
}
