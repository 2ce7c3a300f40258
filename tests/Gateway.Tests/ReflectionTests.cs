using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Reflection.V1Alpha;
using Xunit;
using V1 = Grpc.Reflection.V1;

namespace Veiligthuis.Gateway.Tests;

public sealed class ReflectionTests
{
    [Fact]
    public async Task ReflectionOn_ListsEveryPublicService_AndDescribesASymbol()
    {
        using var app = new GatewayApp();
        app.Settings["Gateway:Reflection"] = "true";
        using var channel = app.CreateGrpcChannel();
        var client = new ServerReflection.ServerReflectionClient(channel);
        var headers = new Metadata { { "authorization", "Bearer " + app.Tokens.For("vt-utrecht") } };

        using var call = client.ServerReflectionInfo(headers);
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "veiligthuis.triage.v1.Werkvoorraad" });
        await call.RequestStream.CompleteAsync();
        var answers = new List<ServerReflectionResponse>();
        await foreach (var answer in call.ResponseStream.ReadAllAsync())
        {
            answers.Add(answer);
        }

        Assert.Equal(2, answers.Count);
        var services = answers[0].ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("veiligthuis.intake.v1.Meldingen", services);
        Assert.Contains("veiligthuis.triage.v1.Werkvoorraad", services);
        Assert.Contains("veiligthuis.monitoring.v1.Beleidsinformatie", services);
        var files = answers[1].FileDescriptorResponse.FileDescriptorProto
            .Select(bytes => FileDescriptorProto.Parser.ParseFrom(bytes)).ToList();
        Assert.Contains(files, f => f.Package == "veiligthuis.triage.v1" && f.Service.Any(s => s.Name == "Werkvoorraad"));
    }

    [Fact]
    public async Task ReflectionV1_ListsThePublicServices()
    {
        using var app = new GatewayApp();
        app.Settings["Gateway:Reflection"] = "true";
        using var channel = app.CreateGrpcChannel();
        var client = new V1.ServerReflection.ServerReflectionClient(channel);
        var headers = new Metadata { { "authorization", "Bearer " + app.Tokens.For("vt-utrecht") } };

        using var call = client.ServerReflectionInfo(headers);
        await call.RequestStream.WriteAsync(new V1.ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());

        Assert.Contains(call.ResponseStream.Current.ListServicesResponse.Service, s => s.Name == "veiligthuis.intake.v1.Meldingen");
    }

    [Fact]
    public async Task ReflectionOn_WithoutToken_IsUnauthenticated()
    {
        using var app = new GatewayApp();
        app.Settings["Gateway:Reflection"] = "true";
        using var channel = app.CreateGrpcChannel();
        var client = new ServerReflection.ServerReflectionClient(channel);

        var status = await ListAsync(client, new Metadata());

        Assert.Equal(StatusCode.Unauthenticated, status);
    }

    [Fact]
    public async Task ReflectionOffByDefault_IsUnimplemented()
    {
        using var app = new GatewayApp();
        using var channel = app.CreateGrpcChannel();
        var client = new ServerReflection.ServerReflectionClient(channel);

        var status = await ListAsync(client, new Metadata { { "authorization", "Bearer " + app.Tokens.For("vt-utrecht") } });

        Assert.Equal(StatusCode.Unimplemented, status);
    }

    private static async Task<StatusCode> ListAsync(ServerReflection.ServerReflectionClient client, Metadata headers)
    {
        using var call = client.ServerReflectionInfo(headers);
        try
        {
            await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
            await call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
            // The gateway may refuse the call before the request is written (a missing token); its answer is read below.
        }

        try
        {
            await call.ResponseStream.MoveNext();
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }
}
