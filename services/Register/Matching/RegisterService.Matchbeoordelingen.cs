using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.BuildingBlocks.Paging;
using Veiligthuis.Common.V1;
using Veiligthuis.Register.Matching;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Register.Betrokkenheden;

/// <summary>The review queue of mogelijk matches (ADR 0017).</summary>
public sealed partial class RegisterService
{
    private const string MatchbeoordelingenList = "matchbeoordelingen";

    public override async Task<ListMatchbeoordelingenResponse> ListMatchbeoordelingen(ListMatchbeoordelingenRequest request,
        ServerCallContext context)
    {
        var (size, afterSeq) = await ValidatedAsync(() =>
        {
            var violations = new Violations();
            var pageSize = Paging.PageSize(request.Page, violations);
            var after = Paging.Cursor(request.Page, MatchbeoordelingenList, 1, MatchbeoordelingCursor.Parse, violations)?.AfterSeq ?? 0;
            violations.ThrowIfAny();
            return (pageSize, after);
        }, Handeling.Matchbeoordeling, Doel.Registratie, context);

        var items = await handler.MatchbeoordelingenAsync(Caller(), afterSeq, size + 1, context.CancellationToken);
        var response = new ListMatchbeoordelingenResponse { Page = new PageResponse() };
        response.Matchbeoordelingen.AddRange(items.Take(size).Select(m => ToProto(m, [])));
        if (items.Count > size)
        {
            response.Page.NextPageToken = Paging.EncodeToken(MatchbeoordelingenList,
                items[size - 1].Seq.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return response;
    }

    public override async Task<Matchbeoordeling> BeslisMatchbeoordeling(BeslisMatchbeoordelingRequest request, ServerCallContext context)
    {
        var (id, besluit) = await ValidatedAsync(() =>
        {
            var violations = new Violations();
            var parsed = Guid.Empty;
            violations.Check(Guid.TryParse(request.MatchbeoordelingId, out parsed) && parsed != Guid.Empty, "matchbeoordeling_id",
                "Must be a UUID.");
            violations.Check(request.Besluit is MatchbeoordelingStatus.ZelfdePersoon or MatchbeoordelingStatus.AnderePersoon, "besluit",
                "Required: ZELFDE_PERSOON or ANDERE_PERSOON.");
            violations.ThrowIfAny();
            return (parsed, request.Besluit);
        }, Handeling.Matchbeoordeling, Doel.Registratie, context);

        var (beoordeling, elders) = await handler.BeslisMatchbeoordelingAsync(Caller(), id, besluit, context.CancellationToken);
        return ToProto(beoordeling, elders);
    }

    private static Matchbeoordeling ToProto(MatchbeoordelingRecord m, IReadOnlyList<BekendInRecord> elders)
    {
        var proto = new Matchbeoordeling
        {
            MatchbeoordelingId = m.MatchbeoordelingId.ToString(),
            PersoonId = m.PersoonId.ToString(),
            BetrokkenheidId = m.BetrokkenheidId.ToString(),
            Score = Math.Round(m.Score, 2),
            Velden = { m.Velden.Select(v => new Veldvergelijking { Veld = v.Veld, Overeenkomst = v.Overeenkomst, Gewicht = Math.Round(v.Gewicht, 2) }) },
            Status = m.Status,
            CreatedAt = Timestamp.FromDateTimeOffset(m.Created),
            BeslotenDoor = m.BeslotenDoor ?? "",
            ResultaatPersoonId = m.ResultaatPersoonId?.ToString() ?? "",
            EldersBekend = { elders.Select(ToProto) },
        };
        if (m.BeslotenAt is { } beslotenAt)
        {
            proto.BeslotenAt = Timestamp.FromDateTimeOffset(beslotenAt);
        }

        return proto;
    }
}

/// <summary>Position in the review queue: the items after this sequence number come next.</summary>
internal sealed record MatchbeoordelingCursor(long AfterSeq)
{
    public static MatchbeoordelingCursor Parse(string[] parts)
    {
        var seq = long.Parse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
        return seq > 0 ? new MatchbeoordelingCursor(seq) : throw new FormatException("Sequence numbers start at 1.");
    }
}
