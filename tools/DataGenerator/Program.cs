namespace Veiligthuis.Tools.DataGenerator;

// Generates calibrated meldingen and adviezen (generate) and sends them through the gateway (replay).
// An explicit class rather than top-level statements: the tests also reference intake, whose
// top-level Program is global::Program.
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        return await Cli.RunAsync(args, cancellation.Token);
    }
}
