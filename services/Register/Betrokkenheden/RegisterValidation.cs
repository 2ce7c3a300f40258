using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.Common.V1;
using Veiligthuis.Register.Matching;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Register.Betrokkenheden;

/// <summary>One person of a registration: the BSN (empty when unknown) and the data matching uses.</summary>
public sealed record TeRegistrerenPersoon(string Bsn, PersoonGegevens Gegevens);

public sealed record RegistreerBetrokkenheid(Guid RequestId, string CasusReferentie, DateOnly Startdatum,
    IReadOnlyList<TeRegistrerenPersoon> Personen);

/// <summary>A search: by BSN, by person data, or both (BSN first); or by the persons of a household.</summary>
public sealed record Zoekvraag(string Bsn, PersoonGegevens? Persoon, IReadOnlyList<TeRegistrerenPersoon>? Huishouden = null);

/// <summary>Checks register requests field by field; descriptions never echo a BSN.</summary>
public static class RegisterValidation
{
    public const int MaxCasusReferentie = 64;
    public const int MaxPersonen = 20;
    public const int MaxNaam = 200;
    public const int MaxToevoeging = 10;
    public const int MaxHuisnummer = 99999;
    private const int EarliestBirthYear = 1900;

    // The register is filled with meldingen from January 2019 on (domain.md §1.8).
    private const int EarliestYear = 2019;

    public static RegistreerBetrokkenheid Validate(RegistreerBetrokkenheidRequest request, DateOnly today)
    {
        var violations = new Violations();

        var requestId = Guid.Empty;
        violations.Check(Guid.TryParse(request.RequestId, out requestId) && requestId != Guid.Empty,
            "request_id", "Required: a client-chosen UUID.");

        violations.Check(request.CasusReferentie.Length > 0, "casus_referentie", "Required.");
        violations.Check(request.CasusReferentie.Length <= MaxCasusReferentie, "casus_referentie",
            $"At most {MaxCasusReferentie} characters.");

        var startdatum = ProtoDates.ToDateOnly(request.Startdatum, "startdatum", violations, EarliestYear);
        if (startdatum is { } start)
        {
            violations.Check(start <= today, "startdatum", "Must not be in the future.");
        }

        violations.Check(request.Personen.Count is >= 1 and <= MaxPersonen, "personen", $"Between 1 and {MaxPersonen} persons.");
        var adres = ValidateAdres(request.Adres, "adres", violations);
        var personen = ValidatePersonen(request.Personen, "personen", adres, today, violations);

        violations.ThrowIfAny();
        return new RegistreerBetrokkenheid(requestId, request.CasusReferentie, startdatum!.Value, personen);
    }

    /// <summary>
    /// A person needs a valid BSN, or else what probabilistic matching cannot do without: an achternaam,
    /// a voornaam or initial and a geboortedatum (ADR 0017).
    /// </summary>
    /// <summary>At most <see cref="MaxPersonen"/> persons, each valid, and no BSN twice in one request.</summary>
    private static List<TeRegistrerenPersoon> ValidatePersonen(Google.Protobuf.Collections.RepeatedField<PersoonIdentiteit> personen, string field, Adres? adres,
        DateOnly today, Violations violations)
    {
        var valid = new List<TeRegistrerenPersoon>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < personen.Count && i < MaxPersonen; i++)
        {
            var itemField = $"{field}[{i}]";
            var persoon = ValidatePersoon(personen[i], itemField, adres, today, violations);
            if (persoon.Bsn.Length > 0 && !seen.Add(persoon.Bsn))
            {
                violations.Add(itemField + ".bsn", "The same person occurs twice in this request.");
            }

            valid.Add(persoon);
        }

        return valid;
    }

    private static TeRegistrerenPersoon ValidatePersoon(PersoonIdentiteit persoon, string field, Adres? adres, DateOnly today,
        Violations violations)
    {
        violations.Check(persoon.Voornamen.Length <= MaxNaam, field + ".voornamen", $"At most {MaxNaam} characters.");
        violations.Check(persoon.Tussenvoegsel.Length <= MaxNaam, field + ".tussenvoegsel", $"At most {MaxNaam} characters.");
        violations.Check(persoon.Achternaam.Length <= MaxNaam, field + ".achternaam", $"At most {MaxNaam} characters.");
        violations.Check(Enum.IsDefined(persoon.Geslacht), field + ".geslacht", "Not a known code.");

        var bsn = Bsn.Normalise(persoon.Bsn);
        violations.Check(bsn.Length == 0 || Bsn.IsValid(bsn), field + ".bsn", "Not a valid BSN: nine digits passing the elfproef.");

        DateOnly? geboortedatum = null;
        if (persoon.Geboortedatum is not null)
        {
            geboortedatum = ProtoDates.ToDateOnly(persoon.Geboortedatum, field + ".geboortedatum", violations, EarliestBirthYear);
            if (geboortedatum is { } datum && datum > today)
            {
                violations.Add(field + ".geboortedatum", "Must not be in the future.");
            }
        }

        var naam = DutchNames.Normaliseer(persoon.Voornamen, persoon.Tussenvoegsel, persoon.Achternaam);
        if (bsn.Length == 0)
        {
            violations.Check(naam.Achternaam.Length > 0, field + ".achternaam", "Required without a BSN.");
            violations.Check(naam.Voornamen.Count > 0, field + ".voornamen", "Required without a BSN: a name or an initial.");
            violations.Check(persoon.Geboortedatum is not null, field + ".geboortedatum", "Required without a BSN.");
        }

        return new TeRegistrerenPersoon(bsn, new PersoonGegevens(persoon.Voornamen, persoon.Tussenvoegsel, persoon.Achternaam,
            geboortedatum, persoon.Geslacht, adres?.Postcode ?? "", adres?.Huisnummer ?? 0, adres?.HuisnummerToevoeging ?? ""));
    }

    private static Adres? ValidateAdres(Adres? adres, string field, Violations violations)
    {
        if (adres is null)
        {
            return null;
        }

        violations.Check(MatchKenmerkenFactory.NormalisePostcode(adres.Postcode).Length > 0, field + ".postcode",
            "A Dutch postcode: four digits and two letters.");
        violations.Check(adres.Huisnummer is >= 0 and <= MaxHuisnummer, field + ".huisnummer", $"Between 0 and {MaxHuisnummer}.");
        violations.Check(adres.HuisnummerToevoeging.Length <= MaxToevoeging, field + ".huisnummer_toevoeging",
            $"At most {MaxToevoeging} characters.");
        return adres;
    }

    public static Zoekvraag ValidateZoek(ZoekBetrokkenheidRequest request, DateOnly today)
    {
        var violations = new Violations();
        var bsn = Bsn.Normalise(request.Bsn);
        if (request.HuishoudenPersonen.Count > 0)
        {
            return ValidateZoekHuishouden(request, today, violations);
        }

        violations.Check(bsn.Length > 0 || request.Persoon is not null, "bsn", "Required: a bsn, or a persoon to match on.");
        violations.Check(bsn.Length == 0 || Bsn.IsValid(bsn), "bsn", "Not a valid BSN: nine digits passing the elfproef.");
        violations.Check(request.Doel is not (Doel.Onbekend or Doel.Registratie) && Enum.IsDefined(request.Doel),
            "doel", "Required: the purpose of this search.");
        PersoonGegevens? persoon = null;
        if (request.Persoon is not null)
        {
            var adres = ValidateAdres(request.Adres, "adres", violations);
            // The BSN of a search is the request's bsn field; one inside persoon would be a second, conflicting one.
            violations.Check(request.Persoon.Bsn.Length == 0, "persoon.bsn", "Use the bsn field.");
            persoon = ValidatePersoon(new PersoonIdentiteit(request.Persoon) { Bsn = "" }, "persoon", adres, today, violations).Gegevens;
        }

        violations.ThrowIfAny();
        return new Zoekvraag(bsn, persoon);
    }

    private static Zoekvraag ValidateZoekHuishouden(ZoekBetrokkenheidRequest request, DateOnly today, Violations violations)
    {
        violations.Check(request.Bsn.Length == 0 && request.Persoon is null, "huishouden_personen",
            "A household search has no bsn or persoon of its own.");
        violations.Check(request.HuishoudenPersonen.Count <= MaxPersonen, "huishouden_personen", $"Between 1 and {MaxPersonen} persons.");
        violations.Check(request.Doel is not (Doel.Onbekend or Doel.Registratie) && Enum.IsDefined(request.Doel),
            "doel", "Required: the purpose of this search.");
        var adres = ValidateAdres(request.Adres, "adres", violations);
        var personen = ValidatePersonen(request.HuishoudenPersonen, "huishouden_personen", adres, today, violations);

        violations.ThrowIfAny();
        return new Zoekvraag("", null, personen);
    }

    public static (Guid BetrokkenheidId, DateOnly Einddatum) ValidateBeeindig(BeeindigBetrokkenheidRequest request, DateOnly today)
    {
        var violations = new Violations();
        var id = Guid.Empty;
        violations.Check(Guid.TryParse(request.BetrokkenheidId, out id) && id != Guid.Empty, "betrokkenheid_id", "Must be a UUID.");
        var einddatum = ProtoDates.ToDateOnly(request.Einddatum, "einddatum", violations, EarliestYear);
        if (einddatum is { } eind)
        {
            violations.Check(eind <= today, "einddatum", "Must not be in the future.");
        }

        violations.ThrowIfAny();
        return (id, einddatum!.Value);
    }
}
