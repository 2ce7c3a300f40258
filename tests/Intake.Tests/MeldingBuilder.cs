using Google.Protobuf.WellKnownTypes;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Intake.Tests;

internal static class MeldingBuilder
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
