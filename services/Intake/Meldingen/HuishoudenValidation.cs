using System.Text.RegularExpressions;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Werkdagen;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Intake.Meldingen;

/// <summary>
/// Checks the huishouden, betrokkenen and melder identity of a melding. Descriptions never echo a
/// value: they reach the caller and may be logged by clients.
/// </summary>
public static partial class HuishoudenValidation
{
    public const int MaxBetrokkenen = 20;
    public const int MaxNaam = 200;
    public const int MaxTussenvoegsel = 20;
    public const int MaxToevoeging = 10;
    public const int MaxTelefoonnummer = 20;
    public const int MaxEmail = 254;
    private const int EarliestGeboortejaar = 1900;

    public static HuishoudenAdres? ValidateHuishouden(Huishouden? huishouden, int betrokkenen, Violations violations)
    {
        if (huishouden is null)
        {
            violations.Check(betrokkenen == 0, "huishouden", "Required when betrokkenen are given.");
            return null;
        }

        var match = PostcodePattern().Match(huishouden.Postcode.Trim());
        // Real postcodes never use the letter pairs SA, SD and SS.
        var postcodeOk = match.Success && match.Groups[2].Value.ToUpperInvariant() is not ("SA" or "SD" or "SS");
        violations.Check(postcodeOk, "huishouden.postcode", "Required: a Dutch postcode such as \"1234 AB\".");
        violations.Check(huishouden.Huisnummer is >= 1 and <= 99999, "huishouden.huisnummer", "Required: between 1 and 99999.");
        var toevoeging = huishouden.Toevoeging.Trim().ToUpperInvariant();
        violations.Check(toevoeging.Length <= MaxToevoeging && ToevoegingPattern().IsMatch(toevoeging),
            "huishouden.toevoeging", $"At most {MaxToevoeging} letters, digits, spaces or hyphens.");
        violations.Check(betrokkenen >= 1, "betrokkenen", "At least one betrokkene of the huishouden is required.");

        return postcodeOk
            ? new HuishoudenAdres($"{match.Groups[1].Value} {match.Groups[2].Value.ToUpperInvariant()}", huishouden.Huisnummer, toevoeging)
            : null;
    }

    public static List<BetrokkeneRecord> ValidateBetrokkenen(IReadOnlyList<Betrokkene> betrokkenen, DateOnly today, string listField,
        Violations violations)
    {
        violations.Check(betrokkenen.Count <= MaxBetrokkenen, listField, $"At most {MaxBetrokkenen} betrokkenen.");
        var result = new List<BetrokkeneRecord>();
        var bsns = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < betrokkenen.Count && i < MaxBetrokkenen; i++)
        {
            var field = $"{listField}[{i}]";
            var betrokkene = betrokkenen[i];
            violations.Check(betrokkene.BetrokkeneId.Length == 0, $"{field}.betrokkene_id", "Output only: assigned by the service.");
            violations.Check(System.Enum.IsDefined(betrokkene.Rol) && betrokkene.Rol != BetrokkeneRol.Onbekend,
                $"{field}.rol", "Required: a known rol.");
            var persoon = betrokkene.Persoon;
            if (persoon is null)
            {
                violations.Add($"{field}.persoon", "Required.");
                continue;
            }

            var voornamen = persoon.Voornamen.Trim();
            var tussenvoegsel = persoon.Tussenvoegsel.Trim();
            var achternaam = persoon.Achternaam.Trim();
            violations.Check(achternaam.Length is > 0 and <= MaxNaam, $"{field}.persoon.achternaam", $"Required: at most {MaxNaam} characters.");
            violations.Check(voornamen.Length <= MaxNaam, $"{field}.persoon.voornamen", $"At most {MaxNaam} characters.");
            violations.Check(tussenvoegsel.Length <= MaxTussenvoegsel, $"{field}.persoon.tussenvoegsel", $"At most {MaxTussenvoegsel} characters.");
            violations.Check(System.Enum.IsDefined(persoon.Geslacht), $"{field}.persoon.geslacht", "Unknown code.");

            DateOnly? geboortedatum = null;
            if (persoon.Geboortedatum is not null)
            {
                geboortedatum = ProtoDates.ToDateOnly(persoon.Geboortedatum, $"{field}.persoon.geboortedatum", violations, EarliestGeboortejaar);
                // The scope of Veilig Thuis starts before birth (domain.md §1.1: "-10 months"), but a
                // date of birth is only known once it has happened.
                violations.Check(geboortedatum is null || geboortedatum <= today, $"{field}.persoon.geboortedatum", "Must not be in the future.");
            }

            string? bsn = null;
            if (persoon.Bsn.Length > 0)
            {
                bsn = Bsn.Normalise(persoon.Bsn);
                if (!Bsn.IsValid(bsn))
                {
                    violations.Add($"{field}.persoon.bsn", "Not a valid BSN: nine digits passing the elfproef.");
                }
                else if (!bsns.Add(bsn))
                {
                    violations.Add($"{field}.persoon.bsn", "The same person occurs twice in this melding.");
                }
            }

            result.Add(new BetrokkeneRecord(Guid.Empty, betrokkene.Rol, voornamen, tussenvoegsel, achternaam,
                geboortedatum, persoon.Geslacht, bsn));
        }

        return result;
    }

    public static MelderIdentiteitRecord? ValidateMelderIdentiteit(MelderIdentiteit? identiteit, bool anoniem, Violations violations)
    {
        if (identiteit is null)
        {
            return null;
        }

        violations.Check(!anoniem, "melder_identiteit", "Not for an anonymous melder.");
        var naam = identiteit.Naam.Trim();
        var telefoonnummer = identiteit.Telefoonnummer.Trim();
        var email = identiteit.Email.Trim();
        violations.Check(naam.Length is > 0 and <= MaxNaam, "melder_identiteit.naam", $"Required: at most {MaxNaam} characters.");
        violations.Check(telefoonnummer.Length <= MaxTelefoonnummer && TelefoonPattern().IsMatch(telefoonnummer),
            "melder_identiteit.telefoonnummer", $"At most {MaxTelefoonnummer} digits, spaces, '+', '-', '(' or ')'.");
        violations.Check(email.Length == 0 || (email.Length <= MaxEmail && EmailPattern().IsMatch(email)),
            "melder_identiteit.email", $"An e-mail address of at most {MaxEmail} characters.");
        return new MelderIdentiteitRecord(naam, telefoonnummer, email);
    }

    [GeneratedRegex("^([1-9][0-9]{3}) ?([A-Za-z]{2})$")]
    private static partial Regex PostcodePattern();

    [GeneratedRegex("^[A-Z0-9 -]*$")]
    private static partial Regex ToevoegingPattern();

    [GeneratedRegex(@"^[0-9 +()\-]*$")]
    private static partial Regex TelefoonPattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}
