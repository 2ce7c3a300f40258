using Veiligthuis.Benchmarks.CreateMelding;

// CreateMelding throughput and latency, directly at intake and through the gateway, beside a bare gRPC
// greeter (the ceiling of gRPC on this machine). See README.md; tools/Benchmarks/CreateMelding/run.sh
// starts everything and calls this.
return args.FirstOrDefault() switch
{
    "greeter" => await BareGreeter.RunAsync(Arguments.Parse(args[1..])),
    "run" => await BenchmarkRun.RunAsync(Arguments.Parse(args[1..])),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: Veiligthuis.Benchmarks.CreateMelding greeter --port <port>
               Veiligthuis.Benchmarks.CreateMelding run --intake <url> --gateway <url> --greeter <url> --signing-key <base64>
                   [--regio vt-utrecht] [--concurrency 64] [--seconds 15] [--rate 500] [--warmup-seconds 20]
                   [--targets greeter,direct,gateway]
        """);
    return 2;
}
