using Google.Protobuf;
using Grpc.Core;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.Adviezen;
using Veiligthuis.Intake.Meldingen;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Tools.DataGenerator.Tests;

public sealed class GeneratorTests
{
    // Generating is cheap but not free: the large samples are built once for the whole class.
    private static readonly Lazy<IReadOnlyList<Verzoek>> Groot = new(() => Generator.Generate(new GeneratorOptions(Seed: 11, Scale: 0.5)));
    private static readonly Lazy<IReadOnlyList<Verzoek>> Klein = new(() => Generator.Generate(new GeneratorOptions(Seed: 3, Scale: 0.05)));

    [Fact]
    public async Task Same_seed_gives_byte_identical_output_and_another_seed_does_not()
    {
        var eerste = await BytesAsync(new GeneratorOptions(42, 0.02));
        var tweede = await BytesAsync(new GeneratorOptions(42, 0.02));
        var ander = await BytesAsync(new GeneratorOptions(43, 0.02));

        Assert.True(eerste.Length > 100_000);
        Assert.Equal(eerste, tweede);
        Assert.NotEqual(eerste, ander);
    }

    [Fact]
    public void Volumes_per_regio_are_the_kerncijfers_times_the_scale_within_rounding()
    {
        const double scale = 0.1;
        var verzoeken = Generator.Generate(new GeneratorOptions(5, scale));

        Assert.Equal(26, Kerncijfers.Regios.Count);
        foreach (var regio in Kerncijfers.Regios)
        {
            var vanRegio = verzoeken.Where(v => v.Regio == regio.TenantId).ToList();
            var meldingen = vanRegio.Count(v => v.Melding is not null);
            var adviezen = vanRegio.Count(v => v.Advies is not null);
            Assert.InRange(meldingen, regio.Meldingen * scale - 0.5, regio.Meldingen * scale + 0.5);
            Assert.InRange(adviezen, regio.Adviezen * scale - 0.5, regio.Adviezen * scale + 0.5);
        }

        // Amsterdam-Amstelland 5,820 meldingen and 1,605 adviezen in H2 2019 (CBS).
        Assert.Equal(582, verzoeken.Count(v => v.Regio == "vt-amsterdam-amstelland" && v.Melding is not null));
        Assert.Equal(161, verzoeken.Count(v => v.Regio == "vt-amsterdam-amstelland" && v.Advies is not null));
    }

    [Fact]
    public void Shares_match_domain_md_section_4_on_a_large_sample()
    {
        var meldingen = Groot.Value.Select(v => v.Melding).OfType<CreateMeldingRequest>().ToList();
        var adviezen = Groot.Value.Select(v => v.Advies).OfType<CreateAdviesRequest>().ToList();
        Assert.True(meldingen.Count > 30_000);

        var metKinderen = meldingen.Where(m => m.Betrokkenen.Any(b => b.Rol == BetrokkeneRol.Kind)).ToList();
        var zonderKinderen = meldingen.Except(metKinderen).ToList();
        AssertShare(0.74, 0.02, metKinderen.Count, meldingen.Count);
        AssertShare(0.74, 0.02, metKinderen.Count(m => m.Melder.Groep == MelderGroep.Politie), metKinderen.Count);
        AssertShare(0.22, 0.02, metKinderen.Count(m => m.Melder.Groep == MelderGroep.OverigeProfessional), metKinderen.Count);
        AssertShare(0.04, 0.01, metKinderen.Count(m => m.Melder.Groep == MelderGroep.NietProfessional), metKinderen.Count);
        AssertShare(0.92, 0.02, zonderKinderen.Count(m => m.Melder.Groep == MelderGroep.Politie), zonderKinderen.Count);
        AssertShare(0.01, 0.01, zonderKinderen.Count(m => m.Melder.Groep == MelderGroep.NietProfessional), zonderKinderen.Count);
        AssertShare(0.33, 0.02, meldingen.Count(m => m.Aard.Contains(AardGeweld.Partnergeweld)), meldingen.Count);
        AssertShare(0.01, 0.005, meldingen.Count(m => m.Aard.Contains(AardGeweld.EergerelateerdGeweld)), meldingen.Count);

        AssertShare(0.55, 0.02, adviezen.Count(a => a.Adviesvrager.Betrokkenheid == Betrokkenheid.Beroepsmatig), adviezen.Count);
        AssertShare(0.50, 0.02, adviezen.Count(a => a.Aard.Contains(AardGeweld.Kindermishandeling)), adviezen.Count);
        AssertShare(0.17, 0.02, adviezen.Count(a => a.AanvullendeInformatie.Contains(AanvullendeInformatie.Conflictscheiding)), adviezen.Count);

        // Most betrokkenen carry a BSN, not all.
        var personen = meldingen.SelectMany(m => m.Betrokkenen).ToList();
        AssertShare(0.85, 0.06, personen.Count(b => b.Persoon.Bsn.Length > 0), personen.Count);
    }

    [Fact]
    public void Every_generated_request_passes_intake_validation_and_survives_the_file_format()
    {
        var now = DateTimeOffset.UtcNow;
        var fouten = new List<string>();
        foreach (var verzoek in Klein.Value)
        {
            try
            {
                if (verzoek.Melding is { } melding)
                {
                    CreateMeldingValidation.Validate(melding, now);
                }
                else
                {
                    CreateAdviesValidation.Validate(verzoek.Advies!, now);
                }
            }
            catch (RpcException e)
            {
                fouten.Add($"{verzoek.Regio}: {e.Status.Detail} {string.Join("; ", e.Trailers.Select(t => t.Key))}");
            }

            var (regio, request) = JsonLines.Parse(JsonLines.Format(verzoek));
            Assert.Equal(verzoek.Regio, regio);
            Assert.Equal(verzoek.Request, request);
        }

        Assert.Empty(fouten.Take(5));
        Assert.All(Klein.Value, v => Assert.True(BuildingBlocks.Security.Regios.IsTenantId(v.Regio)));
        Assert.Equal(Klein.Value.Count, Klein.Value.Select(v => v.Request switch
        {
            CreateMeldingRequest m => m.RequestId,
            CreateAdviesRequest a => a.RequestId,
            _ => "",
        }).Distinct().Count());
    }

    [Fact]
    public void Households_reappear_in_other_regios_with_variations()
    {
        var meldingen = Groot.Value.Where(v => v.Melding is not null).ToList();
        // Ground truth: the same person number in meldingen of different regios.
        var records = meldingen
            .SelectMany(v => v.Personen.Select((nr, i) => (Nr: nr, v.Regio, v.Melding!.Huishouden, Persoon: v.Melding.Betrokkenen[i].Persoon)))
            .GroupBy(r => r.Nr)
            .Where(g => g.Select(r => r.Regio).Distinct().Count() > 1)
            .ToList();

        var herhaaldeMeldingen = meldingen.Count(v => v.Personen.Any(nr => records.Any(g => g.Key == nr)));
        // About 3 % of each regio's meldingen plus the meldingen they were copied from.
        Assert.InRange(herhaaldeMeldingen, (int)(meldingen.Count * 0.04), (int)(meldingen.Count * 0.08));

        // The persons are recorded differently: a moved address always, and sometimes a different spelling,
        // date of birth or a missing BSN, as another regio's clerk would write them.
        Assert.All(records.Take(200), g => Assert.True(g.Select(r => (r.Huishouden.Postcode, r.Huishouden.Huisnummer)).Distinct().Count() > 1));
        var varianten = records.Where(g => g.Select(r => (r.Persoon.Voornamen, r.Persoon.Tussenvoegsel, r.Persoon.Achternaam)).Distinct().Count() > 1).ToList();
        var andereDatum = records.Where(g => g.Select(r => r.Persoon.Geboortedatum).Distinct().Count() > 1).ToList();
        var bsnWeg = records.Where(g => g.Any(r => r.Persoon.Bsn.Length == 0) && g.Any(r => r.Persoon.Bsn.Length > 0)).ToList();
        Assert.True(varianten.Count > records.Count / 20, $"{varianten.Count} of {records.Count} with another spelling");
        Assert.NotEmpty(andereDatum);
        Assert.True(bsnWeg.Count > records.Count / 10, $"{bsnWeg.Count} of {records.Count} lose their BSN elsewhere");
    }

    [Fact]
    public void Only_the_chosen_regios_are_generated()
    {
        var verzoeken = Generator.Generate(new GeneratorOptions(1, 0.02, [Regio.Utrecht, Regio.Zeeland]));

        Assert.Equal(["vt-utrecht", "vt-zeeland"], verzoeken.Select(v => v.Regio).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(Generator.Volume(5440, 0.02) + Generator.Volume(975, 0.02), verzoeken.Count(v => v.Melding is not null));
    }

    private static void AssertShare(double expected, double tolerance, int count, int total) =>
        Assert.InRange((double)count / total, expected - tolerance, expected + tolerance);

    private static async Task<byte[]> BytesAsync(GeneratorOptions options)
    {
        using var stream = new MemoryStream();
        await JsonLines.WriteAsync(Generator.Generate(options), stream, TestContext.Current.CancellationToken);
        return stream.ToArray();
    }
}
