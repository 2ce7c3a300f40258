using System.Security.Cryptography;
using Veiligthuis.Common.V1;
using Veiligthuis.Register.Matching;
using Veiligthuis.Register.V1;
using Xunit;

namespace Veiligthuis.Register.Tests;

/// <summary>Normalisation and Fellegi–Sunter scoring of Dutch person records, without a database.</summary>
public sealed class MatchScoringTests
{
    private static readonly MatchKenmerkenFactory Factory = new(RandomNumberGenerator.GetBytes(32));

    private static PersoonGegevens Pieter(string voornamen = "Pieter", string tussenvoegsel = "van", string achternaam = "Jansen",
        int jaar = 1984, int maand = 7, int dag = 2, string postcode = "3511AB", int huisnummer = 12) =>
        new(voornamen, tussenvoegsel, achternaam, new DateOnly(jaar, maand, dag), Geslacht.Man, postcode, huisnummer, "");

    private static MatchScore Score(PersoonGegevens a, PersoonGegevens b) =>
        FellegiSunter.Vergelijk(Factory.Create(a), Factory.Create(b), Veldovereenkomst.Ontbreekt);

    [Fact]
    public void Create_WithTwoKeysOnOneThread_GivesEachKeysHmacOfTheNormalisedValue()
    {
        // Features are stored: the HMAC kept per thread must give exactly the one-shot HMAC, under the right key.
        var sleutels = new[] { RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32) };
        var fabrieken = sleutels.Select(k => new MatchKenmerkenFactory(k)).ToArray();

        for (var i = 0; i < 4; i++)
        {
            var kenmerken = fabrieken[i % 2].Create(Pieter());

            var verwacht = HMACSHA256.HashData(sleutels[i % 2], System.Text.Encoding.UTF8.GetBytes("achternaam\u001fjansen"))[..16];
            Assert.Equal(verwacht, kenmerken.Achternaam);
        }
    }

    [Theory]
    [InlineData("Jansen, P. van", "", "")]
    [InlineData("van Jansen", "Pieter", "")]
    [InlineData("JANSEN", "pieter", "van")]
    [InlineData("Jansen", "P.J.", "v.")]
    public void Normaliseer_DutchNameForms_GiveOneSurname(string achternaam, string voornamen, string tussenvoegsel)
    {
        var naam = DutchNames.Normaliseer(voornamen, tussenvoegsel, achternaam);

        Assert.Equal("jansen", naam.Achternaam);
        Assert.Equal('p', naam.Initiaal);
    }

    [Theory]
    [InlineData("Dijkstra", "Dykstra")]
    [InlineData("Cornelis", "Kornelis")]
    [InlineData("Janssen", "Jansen")]
    [InlineData("Smidt", "Smit")]
    [InlineData("Zoë", "Zoe")]
    [InlineData("Thijs", "Tys")]
    public void Spelling_CommonVariants_AreFoldedTogether(string a, string b) =>
        Assert.Equal(DutchNames.Spelling(DutchNames.Woorden(a)[0]), DutchNames.Spelling(DutchNames.Woorden(b)[0]));

    [Fact]
    public void Klank_SoundAlikeSurnames_ShareTheBlockingKey()
    {
        Assert.Equal(DutchNames.Klank("smit"), DutchNames.Klank(DutchNames.Spelling("schmidt")));
        Assert.Equal(DutchNames.Klank("jansen"), DutchNames.Klank("jansens"));
        Assert.NotEqual(DutchNames.Klank("jansen"), DutchNames.Klank("bakker"));
    }

    public static TheoryData<string, PersoonGegevens> Variants => new()
    {
        { "diacritics and case", Pieter(voornamen: "PIËTER", achternaam: "Jånsen") },
        { "tussenvoegsel in the surname", Pieter(tussenvoegsel: "", achternaam: "van Jansen") },
        { "administrative form with full name", Pieter(voornamen: "", tussenvoegsel: "", achternaam: "Jansen, Pieter van") },
        { "typo in achternaam", Pieter(achternaam: "Jansem") },
        { "typo in voornaam", Pieter(voornamen: "Pietter") },
        { "swapped letters in voornaam", Pieter(voornamen: "Peiter") },
        { "swapped letters in a short achternaam, moved", Pieter(achternaam: "Jnasen", postcode: "9712CD") },
        { "swapped day and month", Pieter(maand: 2, dag: 7) },
        { "moved", Pieter(postcode: "9712CD", huisnummer: 3) },
        { "spelling variant and moved", Pieter(achternaam: "Janssen", postcode: "", huisnummer: 0) },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Vergelijk_SamePersonWrittenDifferently_IsZeker(string variant, PersoonGegevens other)
    {
        var score = Score(Pieter(), other);

        Assert.True(score.Uitkomst == MatchUitkomst.Zeker, $"{variant}: {score.Totaal:F1} {string.Join(", ", score.Velden)}");
    }

    [Fact]
    public void Vergelijk_OnlyInitialsInTheAdministrativeForm_IsMogelijkNotZeker()
    {
        var score = Score(Pieter(), Pieter(voornamen: "", tussenvoegsel: "", achternaam: "Jansen, P. van"));

        Assert.Equal(MatchUitkomst.Mogelijk, score.Uitkomst);
        Assert.Equal(Veldovereenkomst.Gelijk, score.Van(MatchVeld.Achternaam));
        Assert.Equal(Veldovereenkomst.Deels, score.Van(MatchVeld.Voornaam));
    }

    [Theory]
    [InlineData("Paul")]
    [InlineData("Petra")]
    [InlineData("P.")]
    public void Vergelijk_Twins_SameSurnameBirthDateAndAddress_AreNeverZeker(string voornaam)
    {
        var score = Score(Pieter(), Pieter(voornamen: voornaam));

        Assert.NotEqual(MatchUitkomst.Zeker, score.Uitkomst);
        Assert.Equal(Veldovereenkomst.Gelijk, score.Van(MatchVeld.Adres));
    }

    [Theory]
    [InlineData("Sem", "Siem")]
    [InlineData("Eva", "Evi")]
    [InlineData("Noor", "Nora")]
    public void Vergelijk_TwinsWithNamesOneLetterApart_AreNeverZeker(string a, string b)
    {
        var score = Score(Pieter(voornamen: a), Pieter(voornamen: b));

        Assert.NotEqual(MatchUitkomst.Zeker, score.Uitkomst);
    }

    [Theory]
    [InlineData("Daaj Jan", "Daan Jan")]
    [InlineData("Bs Frank", "Bas Frank")]
    [InlineData("Pit Hendrik", "Piet Hendrik")]
    public void Vergelijk_TypoInAShortFirstName_WithTheSameSecondName_IsZeker(string a, string b)
    {
        var score = Score(Pieter(voornamen: a), Pieter(voornamen: b, postcode: "9712CD"));

        Assert.True(score.Uitkomst == MatchUitkomst.Zeker, $"{score.Totaal:F1} {string.Join(", ", score.Velden)}");
        Assert.Equal(Veldovereenkomst.Lijkend, score.Van(MatchVeld.Voornaam));
    }

    [Theory]
    [InlineData("Sem Jan", "Siem Pieter")]
    [InlineData("Sem", "Sam Jan")]
    [InlineData("Eva Maria", "Ida Maria")]
    public void Vergelijk_TwinsWithShortNames_AndNoSharedSecondNameOrInitial_AreNeverZeker(string a, string b)
    {
        var score = Score(Pieter(voornamen: a), Pieter(voornamen: b));

        Assert.NotEqual(MatchUitkomst.Zeker, score.Uitkomst);
        Assert.Equal(Veldovereenkomst.Verschillend, score.Van(MatchVeld.Voornaam));
    }

    [Theory]
    [InlineData("Boer", "Berg")]
    [InlineData("Smit", "Stam")]
    public void Vergelijk_SurnamesTwoEditsApart_AreNotSimilar(string a, string b)
    {
        var score = Score(Pieter(achternaam: a), Pieter(achternaam: b));

        Assert.Equal(Veldovereenkomst.Verschillend, score.Van(MatchVeld.Achternaam));
    }

    [Fact]
    public void Kenmerken_OfVersion1_AreStillRead()
    {
        var v3 = Factory.Create(Pieter(voornamen: "Pieter Jan")).ToBytes();
        Assert.Equal(3, v3[0]);

        // A version-1 row has no trailing second given name (two length bytes + 16); its variants are read as bytes.
        var v1 = v3[..^(2 + MatchKenmerken.HashBytes)];
        v1[0] = 1;
        var gelezen = MatchKenmerken.FromBytes(v1);

        Assert.Empty(gelezen.TweedeVoornaam);
        Assert.Equal(MatchUitkomst.Zeker,
            FellegiSunter.Vergelijk(gelezen, Factory.Create(Pieter(voornamen: "Pieter Jan")), Veldovereenkomst.Ontbreekt).Uitkomst);
    }

    [Fact]
    public void Vergelijk_SiblingAtTheSameAddress_IsGeen()
    {
        var score = Score(Pieter(), Pieter(voornamen: "Sanne", jaar: 1987, maand: 11, dag: 23) with { Geslacht = Geslacht.Vrouw });

        Assert.Equal(MatchUitkomst.Geen, score.Uitkomst);
    }

    [Fact]
    public void Vergelijk_DifferentBsn_IsGeenEvenWhenEverythingElseAgrees()
    {
        var score = FellegiSunter.Vergelijk(Factory.Create(Pieter()), Factory.Create(Pieter()), Veldovereenkomst.Verschillend);

        Assert.Equal(MatchUitkomst.Geen, score.Uitkomst);
    }

    [Fact]
    public void Kenmerken_HoldNoClearData_AndShareABlockingKeyWithTheVariant()
    {
        var a = Factory.Create(Pieter());
        var b = Factory.Create(Pieter(achternaam: "Jansem", maand: 2, dag: 7, postcode: "9712CD"));

        var bytes = Convert.ToHexString(a.ToBytes());
        Assert.DoesNotContain(Convert.ToHexString("jansen"u8), bytes, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString("3511AB"u8), bytes, StringComparison.Ordinal);
        Assert.Contains(a.Blokken, x => b.Blokken.Any(y => x.AsSpan().SequenceEqual(y)));
        // Three differences at once (typo, swapped date, moved) leave it to a person: mogelijk.
        var stored = FellegiSunter.Vergelijk(MatchKenmerken.FromBytes(a.ToBytes()), b, Veldovereenkomst.Ontbreekt);
        Assert.Equal(MatchUitkomst.Mogelijk, stored.Uitkomst);
        Assert.Equal(FellegiSunter.Vergelijk(a, b, Veldovereenkomst.Ontbreekt).Totaal, stored.Totaal);
    }
}
