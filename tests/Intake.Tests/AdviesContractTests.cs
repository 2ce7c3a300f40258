using Google.Protobuf.Reflection;
using Veiligthuis.Intake.V1;
using Xunit;

namespace Veiligthuis.Intake.Tests;

/// <summary>
/// The contract itself makes storing data on the directbetrokkenen impossible (domain.md §6, ADR 0014):
/// no field of an advies, at any depth, may be named after a person, household or address.
/// </summary>
public sealed class AdviesContractTests
{
    private static readonly string[] Forbidden = ["naam", "adres", "bsn", "geboortedatum", "postcode", "persoon", "huishouden"];

    public static TheoryData<string> Messages() => [Advies.Descriptor.FullName, CreateAdviesRequest.Descriptor.FullName, AdviesGeregistreerd.Descriptor.FullName];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Message_HasNoPersonHouseholdOrAddressField(string message)
    {
        var descriptor = new[] { Advies.Descriptor, CreateAdviesRequest.Descriptor, AdviesGeregistreerd.Descriptor }.Single(d => d.FullName == message);

        var fields = AllFields(descriptor, []).ToList();

        Assert.NotEmpty(fields);
        Assert.DoesNotContain(fields, f => Forbidden.Any(word => f.Contains(word, StringComparison.OrdinalIgnoreCase)));
        Assert.Contains(descriptor == AdviesGeregistreerd.Descriptor ? "betrokkenheid" : "adviesvrager.functie", fields);
    }

    [Fact]
    public void Advies_HasNoFieldOfAPersonOrHouseholdType()
    {
        var types = AllMessageTypes(Advies.Descriptor, []).Concat(AllMessageTypes(CreateAdviesRequest.Descriptor, []));

        Assert.DoesNotContain(types, t => Forbidden.Any(word => t.Contains(word, StringComparison.OrdinalIgnoreCase)));
    }

    private static IEnumerable<string> AllFields(MessageDescriptor message, HashSet<string> visited, string prefix = "")
    {
        if (!visited.Add(message.FullName))
        {
            yield break;
        }

        foreach (var field in message.Fields.InDeclarationOrder())
        {
            yield return prefix + field.Name;
            if (field.FieldType == FieldType.Message && !field.MessageType.FullName.StartsWith("google.", StringComparison.Ordinal))
            {
                foreach (var nested in AllFields(field.MessageType, visited, prefix + field.Name + "."))
                {
                    yield return nested;
                }
            }
        }
    }

    private static IEnumerable<string> AllMessageTypes(MessageDescriptor message, HashSet<string> visited)
    {
        if (!visited.Add(message.FullName))
        {
            yield break;
        }

        yield return message.FullName;
        foreach (var field in message.Fields.InDeclarationOrder().Where(f => f.FieldType == FieldType.Message))
        {
            foreach (var type in AllMessageTypes(field.MessageType, visited))
            {
                yield return type;
            }
        }
    }
}
