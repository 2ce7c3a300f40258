using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Veiligthuis.Common.V1;
using Veiligthuis.Intake.V1;
using Veiligthuis.Tools.Synthetic;

namespace Veiligthuis.Tools.DataGenerator;

/// <summary>What to generate: volumes are round(scale × the regio's H2-2019 figure), received in [Van, Tot).</summary>
public sealed record GeneratorOptions(int Seed, double Scale, IReadOnlyList<Regio>? Regios = null)
{
    public DateOnly Van { get; init; } = new(2019, 7, 1);
    public DateOnly Tot { get; init; } = new(2020, 1, 1);

    /// <summary>Share of meldingen per regio about a household already reported in another regio.</summary>
    public double Herhaling { get; init; } = 0.03;
}

/// <summary>
/// One generated request for one regio. <see cref="Personen"/> is the ground truth behind the
/// betrokkenen (the same number is the same person, however it is spelled); it is not written out.
/// </summary>
public sealed record Verzoek(string Regio, IMessage Request, DateTimeOffset Moment, IReadOnlyList<int> Personen)
{
    public CreateMeldingRequest? Melding => Request as CreateMeldingRequest;
    public CreateAdviesRequest? Advies => Request as CreateAdviesRequest;
}

/// <summary>
/// Deterministic meldingen and adviezen calibrated on the CBS kerncijfers (volumes per regio) and
/// the shares of domain.md §4. One <see cref="Random"/> drives everything in a fixed order, so the
/// same options give the same requests, down to the request ids.
/// </summary>
public static class Generator
{
    // domain.md §4, AA H2 2019: 4,290 of 5,824 meldingen concern a household with children.
    private const double MetKinderen = 0.74;

    public static IReadOnlyList<Verzoek> Generate(GeneratorOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.Scale);
        var random = new Random(options.Seed);
        var namen = new Population(random);
        var huishoudens = new Huishoudens(random, namen, options.Van);
        var regios = Kerncijfers.Regios.Where(r => options.Regios is null || options.Regios.Contains(r.Regio)).ToList();

        var meldingen = new List<List<MeldingSlot>>();
        var verzoeken = new List<Verzoek>();
        foreach (var regio in regios)
        {
            var lijst = new List<MeldingSlot>();
            for (var i = 0; i < Volume(regio.Meldingen, options.Scale); i++)
            {
                var metKinderen = random.NextDouble() < MetKinderen;
                var aard = Codes.AardMelding(random, metKinderen);
                var gezin = metKinderen ? huishoudens.MetKinderen(aard[0]) : huishoudens.ZonderKinderen(aard[0]);
                lijst.Add(new MeldingSlot(regio, RequestId(random), Moment(random, options), aard, gezin));
            }

            meldingen.Add(lijst);
            for (var i = 0; i < Volume(regio.Adviezen, options.Scale); i++)
            {
                var advies = Codes.Advies(random, regio.Regio, RequestId(random), Dag(random, options), options.Tot.AddDays(-1));
                var moment = new DateTimeOffset(advies.Startdatum.ToDateTime().Date, TimeSpan.Zero);
                verzoeken.Add(new Verzoek(regio.TenantId, advies, moment, []));
            }
        }

        LaatHuishoudensTerugkomen(random, huishoudens, meldingen, options.Herhaling);

        foreach (var melding in meldingen.SelectMany(m => m))
        {
            verzoeken.Add(new Verzoek(melding.Regio.TenantId, Codes.Melding(random, namen, melding), melding.Moment,
                melding.Gezin.Leden.Select(l => l.Nr).ToList()));
        }

        // The order of a real half-year, so that a replay runs forward in time.
        return [.. verzoeken.OrderBy(v => v.Moment).ThenBy(v => RequestIdOf(v.Request), StringComparer.Ordinal)];
    }

    /// <summary>round(scale × figure), halves away from zero, as a person would round.</summary>
    public static int Volume(int figure, double scale) => (int)Math.Round(figure * scale, MidpointRounding.AwayFromZero);

    // A share of each regio's meldingen is about a household another regio reported: the same persons
    // after a move, written down by another clerk. The slot keeps its request id, moment and count,
    // so the per-regio volumes stay exact.
    private static void LaatHuishoudensTerugkomen(Random random, Huishoudens huishoudens, List<List<MeldingSlot>> meldingen, double share)
    {
        if (meldingen.Count(m => m.Count > 0) < 2)
        {
            return;
        }

        var totaal = meldingen.Sum(m => m.Count);
        for (var r = 0; r < meldingen.Count; r++)
        {
            var lijst = meldingen[r];
            var aantal = Volume(lijst.Count, share);
            var plekken = Enumerable.Range(0, lijst.Count).ToArray();
            for (var k = 0; k < aantal; k++)
            {
                // A partial Fisher-Yates: k distinct slots.
                var j = random.Next(k, plekken.Length);
                (plekken[k], plekken[j]) = (plekken[j], plekken[k]);
                var bron = Elders(meldingen, r, random.Next(totaal - lijst.Count));
                var doel = lijst[plekken[k]];
                lijst[plekken[k]] = doel with { Aard = bron.Aard, Gezin = huishoudens.Elders(bron.Gezin) };
            }
        }
    }

    // The index-th melding of all regios but r.
    private static MeldingSlot Elders(List<List<MeldingSlot>> meldingen, int r, int index)
    {
        for (var i = 0; i < meldingen.Count; i++)
        {
            if (i == r)
            {
                continue;
            }

            if (index < meldingen[i].Count)
            {
                return meldingen[i][index];
            }

            index -= meldingen[i].Count;
        }

        throw new InvalidOperationException("Index beyond the other regios' meldingen.");
    }

    private static string RequestId(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        // RFC 9562 version 4 and variant bits, so that the id is an ordinary random UUID.
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }

    private static DateTimeOffset Moment(Random random, GeneratorOptions options)
    {
        var van = new DateTimeOffset(options.Van.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var seconden = (long)(new DateTimeOffset(options.Tot.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) - van).TotalSeconds;
        return van.AddSeconds(random.NextInt64(seconden));
    }

    private static DateOnly Dag(Random random, GeneratorOptions options) =>
        options.Van.AddDays(random.Next(options.Tot.DayNumber - options.Van.DayNumber));

    private static string RequestIdOf(IMessage request) => request switch
    {
        CreateMeldingRequest m => m.RequestId,
        CreateAdviesRequest a => a.RequestId,
        _ => "",
    };
}

/// <summary>A melding before it becomes a request: the regio, its slot, and what it is about.</summary>
internal sealed record MeldingSlot(RegioCijfers Regio, string RequestId, DateTimeOffset Moment, AardGeweld[] Aard, Gezin Gezin);
