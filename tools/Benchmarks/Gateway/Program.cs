using Veiligthuis.Benchmarks.Gateway;

// The hosts of the gateway benchmark (run.sh, README.md):
//   backend   <ip> <grpc port> <http port>        the echo gRPC service (h2c) and its health endpoint (HTTP/1.1)
//   bare-yarp <ip> <port> <backend grpc address>  a YARP host with the gateway's gRPC route and nothing else
if (args is ["backend", var ip, var grpcPort, var httpPort])
{
    await EchoBackend.RunAsync(ip, int.Parse(grpcPort, System.Globalization.CultureInfo.InvariantCulture),
        int.Parse(httpPort, System.Globalization.CultureInfo.InvariantCulture));
    return 0;
}

if (args is ["bare-yarp", var yarpIp, var yarpPort, var backend])
{
    await BareYarp.RunAsync(yarpIp, int.Parse(yarpPort, System.Globalization.CultureInfo.InvariantCulture), new Uri(backend));
    return 0;
}

await Console.Error.WriteLineAsync("usage: backend <ip> <grpc port> <http port> | bare-yarp <ip> <port> <backend grpc address>");
return 2;
