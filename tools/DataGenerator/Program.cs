using Veiligthuis.Tools.DataGenerator;

// Generates calibrated meldingen and adviezen (generate) and sends them through the gateway (replay).
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

return await Cli.RunAsync(args, cancellation.Token);
