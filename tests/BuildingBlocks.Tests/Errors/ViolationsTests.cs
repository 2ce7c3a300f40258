using Google.Rpc;
using Grpc.Core;
using Veiligthuis.BuildingBlocks.Errors;
using Xunit;

namespace Veiligthuis.BuildingBlocks.Tests.Errors;

public sealed class ViolationsTests
{
    [Fact]
    public void ThrowIfAny_TwoViolations_ThrowsInvalidArgumentListingBothFieldsInOrder()
    {
        var violations = new Violations()
            .Check(false, "melder.groep", "Required.")
            .Check(true, "aard", "Never reported: the check passed.")
            .Add("ontvangen_op", "Lies in the future.");

        var error = Assert.Throws<RpcException>(violations.ThrowIfAny);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var badRequest = error.GetRpcStatus()!.GetDetail<BadRequest>();
        Assert.Equal(["melder.groep", "ontvangen_op"], badRequest.FieldViolations.Select(v => v.Field));
        Assert.Equal(["Required.", "Lies in the future."], badRequest.FieldViolations.Select(v => v.Description));
        Assert.Equal("Invalid fields: melder.groep, ontvangen_op.", error.Status.Detail);
    }

    [Fact]
    public void ThrowIfAny_NoViolations_DoesNotThrow()
    {
        var violations = new Violations().Check(true, "aard", "Required.");

        violations.ThrowIfAny();

        Assert.False(violations.Any);
        Assert.Empty(violations.Fields);
    }

    [Fact]
    public async Task ErrorInterceptor_ViolationsException_PassesWithItsDetails()
    {
        var interceptor = new ErrorInterceptor(Microsoft.Extensions.Logging.Abstractions.NullLogger<ErrorInterceptor>.Instance);

        var error = await Assert.ThrowsAsync<RpcException>(() => interceptor.UnaryServerHandler<string, string>(
            "request", new TestServerCallContext(), (_, _) => throw new Violations().Add("request_id", "Required.").ToRpcException()));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("request_id", Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
    }
}
