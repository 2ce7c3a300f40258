using Veiligthuis.Common.V1;

namespace Veiligthuis;

public static class PersoonIdentiteitExtensions
{
    /// <summary>
    /// What the register can look a person up by (register.proto, ADR 0017): a BSN, or an achternaam, voornamen and
    /// geboortedatum for its probabilistic matching. Callers leave the others out rather than earn a field violation.
    /// </summary>
    public static bool IsZoekbaarInRegister(this PersoonIdentiteit? persoon) =>
        persoon is not null && (persoon.Bsn.Length > 0
            || (persoon.Achternaam.Length > 0 && persoon.Voornamen.Length > 0 && persoon.Geboortedatum is not null));
}
