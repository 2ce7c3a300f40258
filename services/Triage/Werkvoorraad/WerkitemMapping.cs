using Google.Protobuf.WellKnownTypes;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Triage.V1;

namespace Veiligthuis.Triage.Werkvoorraad;

internal static class WerkitemMapping
{
    public static Werkitem ToProto(this WerkitemRecord w, Claim? claim, bool withMotivatie = false)
    {
        var proto = new Werkitem
        {
            WerkitemId = w.WerkitemId.ToString(),
            MeldingId = w.MeldingId.ToString(),
            Regio = Regios.FromTenantId(w.Regio),
            Status = w.Status,
            OntvangenOp = Timestamp.FromDateTimeOffset(w.OntvangenOp),
            AcuteCheckUiterlijk = Timestamp.FromDateTimeOffset(w.AcuteCheckUiterlijk),
            BeoordelingUiterlijk = w.BeoordelingUiterlijk.ToProtoDate(),
            Team = w.Team ?? "",
        };
        if (claim is not null)
        {
            proto.GeclaimdDoor = claim.Door;
            proto.GeclaimdTot = Timestamp.FromDateTimeOffset(claim.Tot);
        }

        if (w.AcuteCheck is { } acute)
        {
            proto.AcuteOnveiligheid = acute.AcuteOnveiligheid;
            proto.DirecteActie = acute.DirecteActie;
            proto.AcuteCheckVastgelegdOp = Timestamp.FromDateTimeOffset(acute.VastgelegdOp);
        }

        if (w.Beoordeling is { } beoordeling)
        {
            proto.Veiligheidstaxatie.AddRange(beoordeling.Veiligheidstaxatie);
            proto.Vermoeden = beoordeling.Vermoeden;
            proto.Besluit = beoordeling.Besluit;
            proto.Vervolg = beoordeling.Vervolg;
            proto.AfgerondDoor = beoordeling.Door;
            proto.AfgerondOp = Timestamp.FromDateTimeOffset(beoordeling.AfgerondOp);
            proto.MedeBeoordelaar = beoordeling.MedeBeoordelaar ?? "";
            proto.MedeBeoordelaarDeskundigheid = beoordeling.MedeBeoordelaarDeskundigheid;
            if (withMotivatie)
            {
                proto.Motivatie = beoordeling.Motivatie;
            }
        }

        return proto;
    }
}
