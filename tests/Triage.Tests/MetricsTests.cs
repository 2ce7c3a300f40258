using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Veiligthuis.BuildingBlocks.Werkdagen;
using Veiligthuis.TestSupport;
using Veiligthuis.Triage.V1;
using Veiligthuis.Triage.Werkvoorraad;
using Xunit;

namespace Veiligthuis.Triage.Tests;

[Collection(nameof(TriageCollection))]
public sealed class MetricsTests(TriageApp app)
{
    private const string Zeeland = "vt-zeeland";

    // The gauge test has a regio of its own: a reading taken just after the histogram test's Zeeland
    // werkitem was closed can still count it, and then a new overdue werkitem does not raise the count.
    private const string MiddenBrabant = "vt-midden-brabant";
    private readonly V1.Werkvoorraad.WerkvoorraadClient _client = new(app.CreateGrpcChannel());

    [Fact]
    public async Task TeLaatGauge_CountsAnOverdueWerkitemPerRegioAndStatus()
    {
        using var collector = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), TriageMetrics.MeterName,
            TriageMetrics.TeLaat);
        var before = Overdue(collector, MiddenBrabant);

        await app.OpenWerkitemAsync(MiddenBrabant, DateTimeOffset.UtcNow.AddDays(-10));

        await Eventually.UntilAsync(() => Task.FromResult(Overdue(collector, MiddenBrabant) > before), TimeSpan.FromSeconds(20),
            "the overdue werkitem in the gauge");
        Assert.All(collector.GetMeasurementSnapshot(), m => Assert.Equal(["regio", "status"], m.Tags.Keys.Order()));
    }

    [Fact]
    public async Task DoorlooptijdHistogram_RecordsWerkdagenFromReceiptToAfronden()
    {
        using var collector = new MetricCollector<int>(app.Services.GetRequiredService<IMeterFactory>(), TriageMetrics.MeterName,
            TriageMetrics.Doorlooptijd);
        var ontvangenOp = DateTimeOffset.UtcNow.AddDays(-10);
        var werkitem = await app.OpenWerkitemAsync(Zeeland, ontvangenOp);
        var token = app.Tokens.For(Zeeland);
        await _client.ClaimWerkitemAsync(new ClaimWerkitemRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(token));
        await _client.LegAcuteCheckVastAsync(new LegAcuteCheckVastRequest { WerkitemId = werkitem.WerkitemId }, Auth.Bearer(token));

        var afgerond = await _client.RondBeoordelingAfAsync(new RondBeoordelingAfRequest
        {
            WerkitemId = werkitem.WerkitemId,
            Veiligheidstaxatie = { Veiligheidstaxatie.StructureleOnveiligheid },
            Besluit = Besluit.VervolgstappenBijVt,
            Vervolg = Vervolg.Onderzoek,
            Motivatie = "Motivatie voor de metriek.",
            MedeBeoordelaar = "collega-gw-1",
            MedeBeoordelaarDeskundigheid = Deskundigheid.Gedragswetenschapper,
        }, Auth.Bearer(token));

        var expected = WerkdagenCalendar.Nederland.WerkdagenTussen(AmsterdamTime.DateOf(werkitem.OntvangenOp.ToDateTimeOffset()),
            AmsterdamTime.DateOf(afgerond.AfgerondOp.ToDateTimeOffset()));
        var recorded = Assert.Single(collector.GetMeasurementSnapshot(), m => Equals(m.Tags["regio"], Zeeland));
        Assert.Equal(expected, recorded.Value);
        Assert.Equal(false, recorded.Tags["binnen_termijn"]);
        Assert.Equal(["binnen_termijn", "regio"], recorded.Tags.Keys.Order());
    }

    private static long Overdue(MetricCollector<long> collector, string regio)
    {
        collector.RecordObservableInstruments();
        return collector.LastMeasurement is null ? 0 : collector.GetMeasurementSnapshot()
            .Where(m => Equals(m.Tags["regio"], regio) && Equals(m.Tags["status"], "acute_check_open"))
            .Select(m => m.Value).LastOrDefault();
    }
}
