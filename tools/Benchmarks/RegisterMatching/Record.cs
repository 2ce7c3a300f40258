using Veiligthuis.Register.Matching;
using Veiligthuis.Tools.Synthetic;

namespace Veiligthuis.Benchmarks.RegisterMatching;

/// <summary>One record as a regio would supply it, with the ground truth of which person it is.</summary>
public sealed record Record(int PersoonNr, PersoonGegevens Gegevens, string Bsn, string Ruis)
{
    public static Record Van(Waarneming w) =>
        new(w.PersoonNr, new PersoonGegevens(w.Voornamen, w.Tussenvoegsel, w.Achternaam, w.Geboortedatum, w.Geslacht, w.Postcode,
            w.Huisnummer, ""), w.Bsn, w.Ruis);

    /// <summary>A record that can be linked without a person's review on its data alone: surname, full first name and birth date.</summary>
    public bool GenoegInformatie =>
        (Gegevens.Geboortedatum is not null && DutchNames.Normaliseer(Gegevens.Voornamen, Gegevens.Tussenvoegsel, Gegevens.Achternaam) is
            { Achternaam.Length: > 0, Roepnaam.Length: > 0 });
}
