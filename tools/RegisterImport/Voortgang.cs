using System.Diagnostics;
using System.Globalization;

namespace Veiligthuis.Tools.RegisterImport;

/// <summary>
/// Progress on stderr: a bar redrawn in place on a terminal; elsewhere (a log, CI) a line every 10 % or
/// 10 seconds, so a redirected stderr does not fill with carriage returns.
/// </summary>
public sealed class Voortgang(TextWriter uit, bool terminal)
{
    private const int Breedte = 40;
    private readonly Stopwatch _tijd = new();
    private readonly Lock _lock = new();
    private int _totaal;
    private int _laatstePercentage = -1;
    private TimeSpan _laatsteRegel;

    public static Voortgang VoorStderr() => new(Console.Error, !Console.IsErrorRedirected);

    public void Begin(int totaal)
    {
        _totaal = Math.Max(totaal, 1);
        _tijd.Restart();
        Stap(0);
    }

    public void Stap(int klaar)
    {
        lock (_lock)
        {
            var deel = Math.Min(1.0, (double)klaar / _totaal);
            var percentage = (int)(deel * 100);
            var snelheid = klaar / Math.Max(_tijd.Elapsed.TotalSeconds, 0.001);
            var tekst = string.Create(CultureInfo.InvariantCulture,
                $"{percentage,3}% {klaar:N0}/{_totaal:N0} rows, {snelheid:N0} rows/s, {_tijd.Elapsed:mm\\:ss}");
            if (terminal)
            {
                var vol = (int)(deel * Breedte);
                uit.Write($"\r[{new string('#', vol)}{new string('.', Breedte - vol)}] {tekst}");
            }
            else if (percentage / 10 != _laatstePercentage / 10 || _tijd.Elapsed - _laatsteRegel >= TimeSpan.FromSeconds(10))
            {
                uit.WriteLine(tekst);
                _laatsteRegel = _tijd.Elapsed;
            }

            _laatstePercentage = percentage;
        }
    }

    public void Einde()
    {
        if (terminal)
        {
            uit.WriteLine();
        }
    }
}
