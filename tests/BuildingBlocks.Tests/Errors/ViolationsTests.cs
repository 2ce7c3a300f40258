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

    [Fact]
    public void Periode_ChecksEachEndAndTheirOrder_AndRequiresBothOnlyWhenAsked()
    {
        static Veiligthuis.Common.V1.DateRange Range(int vanDay, int totDay) => new()
        {
            Van = new Google.Type.Date { Year = 2026, Month = 3, Day = vanDay },
            TotEnMet = new Google.Type.Date { Year = 2026, Month = 3, Day = totDay },
        };

        var reversed = new Violations();
        var open = new Violations();
        var required = new Violations();
        var (van, tot) = ProtoDates.Periode(Range(2, 9), new Violations());
        ProtoDates.Periode(Range(9, 2), reversed);
        ProtoDates.Periode(null, open);
        ProtoDates.Periode(null, required, required: true);

        Assert.Equal((new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 9)), (van!.Value, tot!.Value));
        Assert.Equal(["periode"], reversed.Fields);
        Assert.False(open.Any);
        Assert.Equal(["periode.van", "periode.tot_en_met"], required.Fields);
    }
}
