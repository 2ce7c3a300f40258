using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Paging;
using Veiligthuis.BuildingBlocks.Persistence;
using Veiligthuis.BuildingBlocks.Security;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.Registerkoppeling;
using Veiligthuis.Intake.V1;

namespace Veiligthuis.Intake.Meldingen;

[Authorize(Policy = Policies.Casewerk)]
public sealed class MeldingenService(MeldingOntvangst create, UpdateMeldingHandler update, Database database,
    TenantContext tenant, TimeProvider clock)
    : V1.Meldingen.MeldingenBase
{
    public override async Task<Melding> CreateMelding(CreateMeldingRequest request, ServerCallContext context)
    {
        var valid = CreateMeldingValidation.Validate(request, clock.GetUtcNow());
        var melding = await create.OntvangAsync(
            new CreateMelding(tenant.TenantId, tenant.Actor, valid, request), context.CancellationToken);
        // Registration in the register follows the melding (ADR 0020): from the person data alone, WACHTEND or NIET_MOGELIJK.
        var proto = melding.ToProto();
        proto.Betrokkenen.VulRegisterkoppeling(melding, null);
        return proto;
    }

    public override async Task<Melding> GetMelding(GetMeldingRequest request, ServerCallContext context)
    {
        var meldingId = RequestFields.RequireId(request.MeldingId, "melding_id");
        await using var uow = await database.BeginAsync(tenant.TenantId, context.CancellationToken);
        var melding = await MeldingStore.FindAsync(uow, meldingId, context.CancellationToken)
            ?? throw new NotFoundException($"Melding {meldingId} not found.");
        var koppeling = await RegisterkoppelingStore.FindAsync(uow, meldingId, context.CancellationToken);
        var proto = melding.ToProto();
        proto.Betrokkenen.VulRegisterkoppeling(melding, koppeling);
        return proto;
    }

    public override async Task<Melding> UpdateMelding(UpdateMeldingRequest request, ServerCallContext context)
    {
        var valid = UpdateMeldingValidation.Validate(request, clock.GetUtcNow());
        var melding = await update.HandleAsync(new UpdateMelding(tenant.TenantId, tenant.Actor, valid), context.CancellationToken);
        KoppelingRecord? koppeling;
        await using (var uow = await database.BeginAsync(tenant.TenantId, context.CancellationToken))
        {
            koppeling = await RegisterkoppelingStore.FindAsync(uow, melding.MeldingId, context.CancellationToken);
        }

        var proto = melding.ToProto();
        proto.Betrokkenen.VulRegisterkoppeling(melding, koppeling);
        return proto;
    }

    public override async Task<ListMeldingenResponse> ListMeldingen(ListMeldingenRequest request, ServerCallContext context)
    {
        var (filter, pageSize, after) = MeldingenQuery.Validate(request);
        List<MeldingRecord> meldingen;
        IReadOnlyDictionary<Guid, KoppelingRecord> koppelingen;
        await using (var uow = await database.BeginAsync(tenant.TenantId, context.CancellationToken))
        {
            meldingen = [.. await MeldingStore.ListAsync(uow, filter, after, pageSize + 1, context.CancellationToken)];
            koppelingen = await RegisterkoppelingStore.FindManyAsync(uow, [.. meldingen.Select(m => m.MeldingId)], context.CancellationToken);
        }

        var next = Paging.TrimToPage(meldingen, pageSize) is { } last ? new MeldingenCursor(last.OntvangenOp, last.MeldingId) : null;

        return new ListMeldingenResponse
        {
            Meldingen =
            {
                meldingen.Select(m =>
                {
                    var proto = m.ToProto();
                    proto.Betrokkenen.VulRegisterkoppeling(m, koppelingen.GetValueOrDefault(m.MeldingId));
                    return proto;
                }),
            },
            Page = new PageResponse { NextPageToken = next?.ToToken(filter) ?? "" },
        };
    }
}

internal static class MeldingMapping
{
    public static Melding ToProto(this MeldingRecord m) => new()
    {
        MeldingId = m.MeldingId.ToString(),
        Regio = Regios.FromTenantId(m.Regio),
        OntvangenOp = Timestamp.FromDateTimeOffset(m.OntvangenOp),
        Melder = new Melder
        {
            Groep = m.MelderGroep,
            Betrokkenheid = m.MelderBetrokkenheid,
            Organisatie = m.MelderOrganisatie,
            Rol = m.MelderRol,
            Anoniem = m.MelderAnoniem,
        },
        Aard = { m.Aard },
        VermoedelijkeDuur = m.VermoedelijkeDuur,
        AanvullendeInformatie = { m.AanvullendeInformatie },
        GeregistreerdOp = Timestamp.FromDateTimeOffset(m.GeregistreerdOp),
        Huishouden = m.Huishouden is { } h
            ? new Huishouden { Postcode = h.Postcode, Huisnummer = h.Huisnummer, Toevoeging = h.Toevoeging }
            : null,
        Betrokkenen = { m.Betrokkenen.Select(b => b.ToProto()) },
        CasusId = m.CasusId?.ToString() ?? "",
        Casusnummer = m.Casusnummer ?? "",
    };

    // The melder's identity has no mapping at all: it is never part of a response.
    private static Betrokkene ToProto(this BetrokkeneRecord b) => new()
    {
        BetrokkeneId = b.BetrokkeneId.ToString(),
        Rol = b.Rol,
        Persoon = new PersoonIdentiteit
        {
            Voornamen = b.Voornamen,
            Tussenvoegsel = b.Tussenvoegsel,
            Achternaam = b.Achternaam,
            Geboortedatum = b.Geboortedatum?.ToProtoDate(),
            Geslacht = b.Geslacht,
            Bsn = b.Bsn ?? "",
        },
    };
}
