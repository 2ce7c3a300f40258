using Google.Protobuf.Collections;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Intake.Meldingen;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Intake.Registerkoppeling;

internal static class RegisterkoppelingMapping
{
    /// <summary>
    /// Sets each betrokkene's register status: GEREGISTREERD with the answer; NIET_MOGELIJK when the person data cannot
    /// be matched; WACHTEND while the koppeling is queued (or its event not yet handled); ONBEKEND for a betrokkene added
    /// by a correction after the registration (ADR 0020).
    /// </summary>
    public static void VulRegisterkoppeling(this RepeatedField<Betrokkene> betrokkenen, MeldingRecord melding, KoppelingRecord? koppeling)
    {
        foreach (var (proto, record) in betrokkenen.Zip(melding.Betrokkenen))
        {
            if (koppeling?.Personen.GetValueOrDefault(record.BetrokkeneId) is { } persoon)
            {
                proto.RegisterKoppeling = new RegisterKoppeling
                {
                    Status = RegisterKoppelingStatus.Geregistreerd,
                    PersoonId = persoon.PersoonId,
                    EldersBekend =
                    {
                        persoon.EldersBekend.Select(e => new RegisterEldersBekend
                        {
                            Regio = Regios.FromTenantId(e.Regio),
                            Sinds = e.Sinds?.ToProtoDate(),
                            Open = e.Open,
                            Contactpunt = e.Contactpunt,
                        }),
                    },
                };
                continue;
            }

            var status = !Registreerbaarheid.IsRegistreerbaar(record) ? RegisterKoppelingStatus.NietMogelijk
                : koppeling is { Afgerond: true } ? RegisterKoppelingStatus.Onbekend
                : RegisterKoppelingStatus.Wachtend;
            proto.RegisterKoppeling = new RegisterKoppeling { Status = status };
        }
    }
}
