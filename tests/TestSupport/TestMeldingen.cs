using Google.Protobuf.WellKnownTypes;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.TestSupport;

/// <summary>A valid melding request: police, beroepsmatig, partnergeweld witnessed by children.</summary>
public static class TestMeldingen
{
    public static CreateMeldingRequest Valid(DateTimeOffset? ontvangenOp = null) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        OntvangenOp = Timestamp.FromDateTimeOffset(ontvangenOp ?? DateTimeOffset.UtcNow.AddMinutes(-10)),
        Melder = new Melder
        {
            Groep = MelderGroep.Politie,
            Betrokkenheid = Betrokkenheid.Beroepsmatig,
            Organisatie = Organisatie.Justitie,
        },
        Aard = { AardGeweld.Partnergeweld, AardGeweld.GetuigeVanPartnergeweld },
        VermoedelijkeDuur = VermoedelijkeDuur.Langdurend,
        AanvullendeInformatie = { AanvullendeInformatie.Verslaving },
    };
}
