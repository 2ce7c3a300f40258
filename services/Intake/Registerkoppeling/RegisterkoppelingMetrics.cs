using System.Diagnostics.Metrics;

namespace Veiligthuis.Intake.Registerkoppeling;

/// <summary>
/// Gauges of the register link per regio, refreshed by every pass of the worker: unfinished koppelingen and the stuck
/// ones among them (at least VastNaPogingen failed attempts). Tags carry the regio only.
/// </summary>
public sealed class RegisterkoppelingMetrics
{
    public const string MeterName = "Veiligthuis.Intake";
    public const string Wachtend = "veiligthuis.intake.registerkoppeling.wachtend";
    public const string Vast = "veiligthuis.intake.registerkoppeling.vast";

    private volatile IReadOnlyList<Measurement<long>> _wachtend = [];
    private volatile IReadOnlyList<Measurement<long>> _vast = [];

    public RegisterkoppelingMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge(Wachtend, () => _wachtend, unit: "{melding}",
            description: "Meldingen whose betrokkenen are not yet registered in the register, per regio.");
        meter.CreateObservableGauge(Vast, () => _vast, unit: "{melding}",
            description: "Unfinished register links with at least Registerkoppeling:VastNaPogingen failed attempts, per regio.");
    }

    internal void Set(IReadOnlyList<Measurement<long>> wachtend, IReadOnlyList<Measurement<long>> vast)
    {
        _wachtend = wachtend;
        _vast = vast;
    }
}
