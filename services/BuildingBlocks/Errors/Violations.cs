using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Veiligthuis.BuildingBlocks.Errors;

/// <summary>
/// Collects every field violation of a request, then fails once with InvalidArgument and a
/// <c>google.rpc.BadRequest</c> naming each field (AIP-193).
/// </summary>
public sealed class Violations
{
    private readonly BadRequest _badRequest = new();

    public bool Any => _badRequest.FieldViolations.Count > 0;

    public IEnumerable<string> Fields => _badRequest.FieldViolations.Select(v => v.Field);

    public Violations Check(bool ok, string field, string description)
    {
        if (!ok)
        {
            Add(field, description);
        }

        return this;
    }

    /// <summary>
    /// A repeated code-list field: at most <paramref name="max"/> codes, each known and not the
    /// <c>*_ONBEKEND</c> zero value, none repeated; at least one when <paramref name="required"/>.
    /// </summary>
    public Violations CheckCodes<T>(IReadOnlyCollection<T> codes, string field, int max, bool required)
        where T : struct, System.Enum
    {
        if (required && codes.Count == 0)
        {
            return Add(field, "At least one code is required.");
        }

        Check(codes.Count <= max, field, $"At most {max} codes.");
        Check(codes.All(c => System.Enum.IsDefined(c) && Convert.ToInt32(c, System.Globalization.CultureInfo.InvariantCulture) != 0),
            field, "Every code must be known and not ONBEKEND.");
        return Check(codes.Distinct().Count() == codes.Count, field, "Codes must not repeat.");
    }

    public Violations Add(string field, string description)
    {
        _badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });
        return this;
    }

    public void ThrowIfAny()
    {
        if (Any)
        {
            throw ToRpcException();
        }
    }

    public RpcException ToRpcException() => new Google.Rpc.Status
    {
        Code = (int)Code.InvalidArgument,
        Message = "Invalid fields: " + string.Join(", ", Fields.Distinct()) + ".",
        Details = { Google.Protobuf.WellKnownTypes.Any.Pack(_badRequest) },
    }.ToRpcException();
}
