using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Veiligthuis.BuildingBlocks.Errors;
using Veiligthuis.Common.V1;
using Veiligthuis.Register.V1;

namespace Veiligthuis.Benchmarks.RegisterScale;

/// <summary>
/// Loads households 0..n-1 through LaadBetrokkenheden, one registration per household, in calls of at most
/// <see cref="MaxPerStream"/> messages, several calls at once. Call b carries households [b·size, (b+1)·size) for
/// regio b mod 26 (a regio loads its own files). Request ids derive from (seed, household), so a repeated run is a
/// repeat to the register, not new data.
/// </summary>
internal sealed class Laden(Veiligthuis.Register.V1.Register.RegisterClient client, Bevolking bevolking, string[] tokens, int perStream, int streams)
{
    public const int MaxPerStream = 10_000;

    public sealed record Resultaat(long Personen, long MetBsn, long Registraties, long Ongeldig, TimeSpan Duur);

    private long _personen;
    private long _metBsn;
    private long _registraties;
    private long _ongeldig;

    public async Task<Resultaat> RunAsync(int huishoudens, CancellationToken ct)
    {
        var blokken = (huishoudens + perStream - 1) / perStream;
        var volgende = -1;
        var clock = Stopwatch.StartNew();
        using var voortgang = new CancellationTokenSource();
        var rapport = RapporteerAsync(clock, voortgang.Token);
        await Task.WhenAll(Enumerable.Range(0, Math.Max(1, streams)).Select(async _ =>
        {
            for (var b = Interlocked.Increment(ref volgende); b < blokken; b = Interlocked.Increment(ref volgende))
            {
                await LaadAsync(b, b * perStream, Math.Min(huishoudens, (b + 1) * perStream), ct);
            }
        }));
        var duur = clock.Elapsed;
        await voortgang.CancelAsync();
        await rapport;
        return new Resultaat(_personen, _metBsn, _registraties, _ongeldig, duur);
    }

    private async Task LaadAsync(int blok, int van, int tot, CancellationToken ct)
    {
        var headers = new Metadata { { "authorization", "Bearer " + tokens[blok % tokens.Length] } };
        using var call = client.LaadBetrokkenheden(headers, cancellationToken: ct);
        long personen = 0, metBsn = 0;
        for (var h = van; h < tot; h++)
        {
            var huishouden = bevolking.Genereer(h);
            var request = Registratie(huishouden);
            personen += huishouden.Leden.Count;
            metBsn += huishouden.Leden.Count(l => l.Bsn.Length > 0);
            await call.RequestStream.WriteAsync(request, ct);
        }

        await call.RequestStream.CompleteAsync();
        var response = await call;
        if (response.Resultaten.Count != tot - van || response.Ongeldig > 0)
        {
            var fout = response.Resultaten.SelectMany(r => r.Fouten).FirstOrDefault();
            Console.WriteLine($"  call {blok}: {response.Resultaten.Count} results, {response.Ongeldig} invalid ({fout?.Veld}: {fout?.Omschrijving})");
        }

        Interlocked.Add(ref _personen, personen);
        Interlocked.Add(ref _metBsn, metBsn);
        Interlocked.Add(ref _registraties, response.Geregistreerd);
        Interlocked.Add(ref _ongeldig, response.Ongeldig);
    }

    public static RegistreerBetrokkenheidRequest Registratie(Huishouden huishouden)
    {
        var request = new RegistreerBetrokkenheidRequest
        {
            RequestId = new Guid(huishouden.Nr, 0x5ca1, 0x4e00, 0x80, 0, 0, 0, 0, 0, 0, 1).ToString(),
            CasusReferentie = string.Create(CultureInfo.InvariantCulture, $"BULK-{huishouden.Nr}"),
            Startdatum = new DateOnly(2019, 1, 1).AddDays(huishouden.Nr % 2000).ToProtoDate(),
            Adres = new Adres { Postcode = huishouden.Postcode, Huisnummer = huishouden.Huisnummer },
        };
        foreach (var lid in huishouden.Leden)
        {
            request.Personen.Add(Identiteit(lid));
        }

        return request;
    }

    public static PersoonIdentiteit Identiteit(Persoon lid) => new()
    {
        Bsn = lid.Bsn,
        Voornamen = lid.Voornamen,
        Tussenvoegsel = lid.Tussenvoegsel,
        Achternaam = lid.Achternaam,
        Geboortedatum = lid.Geboortedatum.ToProtoDate(),
        Geslacht = lid.Geslacht,
    };

    private async Task RapporteerAsync(Stopwatch clock, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(15));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var n = Interlocked.Read(ref _personen);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {clock.Elapsed.TotalSeconds,6:F0} s: {n,12:N0} persons acknowledged, {n / clock.Elapsed.TotalMinutes,12:N0} persons/min, load {File.ReadAllText("/proc/loadavg")[..14]}"));
            }
        }
        catch (OperationCanceledException)
        {
            // The load is done.
        }
    }
}
