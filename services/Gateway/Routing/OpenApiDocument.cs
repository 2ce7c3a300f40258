using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Api;
using Google.Protobuf.Reflection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Veiligthuis.Gateway.Routing;

/// <summary>
/// The OpenAPI 3 document of the REST surface, built from the Contracts' service descriptors and their
/// <c>google.api.http</c> rules: paths (with <c>{field}</c> parameters by their proto3 JSON names),
/// query parameters of GET/DELETE from the other request fields, request bodies, answers and the
/// message schemas as gRPC JSON transcoding reads and writes them (ADR 0015).
/// </summary>
public static class OpenApiDocument
{
    public static string Build(IEnumerable<ServiceDescriptor> services)
    {
        var schemas = new SchemaSet();
        var paths = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            foreach (var method in service.Methods)
            {
                if (method.GetOptions()?.GetExtension(AnnotationsExtensions.Http) is not { } rule)
                {
                    continue;
                }

                foreach (var binding in new[] { rule }.Concat(rule.AdditionalBindings))
                {
                    if (Verb(binding) is not var (verb, template))
                    {
                        continue;
                    }

                    var (path, pathFields) = PathTemplate(method.InputType, template);
                    if (!paths.TryGetValue(path, out var item))
                    {
                        paths[path] = item = [];
                    }

                    item[verb] = Operation(service, method, binding, pathFields, schemas);
                }
            }
        }

        var pathsNode = new JsonObject();
        foreach (var (path, item) in paths)
        {
            pathsNode[path] = item;
        }

        var document = new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject
            {
                ["title"] = "Veilig Thuis API",
                ["version"] = "v1",
                ["description"] = "REST/JSON surface of the Veilig Thuis services (gRPC JSON transcoding), generated from the protobuf contracts.",
            },
            ["paths"] = pathsNode,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas.ToJson(),
                ["securitySchemes"] = new JsonObject
                {
                    ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["bearerFormat"] = "JWT" },
                },
            },
            ["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() }),
        };
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static (string Verb, string Template)? Verb(HttpRule rule) => rule.PatternCase switch
    {
        HttpRule.PatternOneofCase.Get => ("get", rule.Get),
        HttpRule.PatternOneofCase.Post => ("post", rule.Post),
        HttpRule.PatternOneofCase.Put => ("put", rule.Put),
        HttpRule.PatternOneofCase.Patch => ("patch", rule.Patch),
        HttpRule.PatternOneofCase.Delete => ("delete", rule.Delete),
        _ => null,
    };

    /// <summary><c>/a/{melding_id}/b:claim</c> → <c>/a/{meldingId}/b:claim</c>, and the fields it binds.</summary>
    private static (string Path, List<(string Name, FieldDescriptor Field)> Fields) PathTemplate(MessageDescriptor input, string template)
    {
        var fields = new List<(string, FieldDescriptor)>();
        var path = new StringBuilder();
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0)
            {
                path.Append(template, i, template.Length - i);
                break;
            }

            var close = template.IndexOf('}', open);
            path.Append(template, i, open - i);
            var variable = template[(open + 1)..close].Split('=')[0];
            var (jsonName, field) = FieldPath(input, variable);
            fields.Add((jsonName, field));
            path.Append('{').Append(jsonName).Append('}');
            i = close + 1;
        }

        return (path.ToString(), fields);
    }

    private static (string JsonName, FieldDescriptor Field) FieldPath(MessageDescriptor message, string fieldPath)
    {
        var names = new List<string>();
        FieldDescriptor? field = null;
        foreach (var part in fieldPath.Split('.'))
        {
            field = (field?.MessageType ?? message).FindFieldByName(part)
                ?? throw new InvalidOperationException($"{message.FullName} has no field '{fieldPath}' of its http rule.");
            names.Add(field.JsonName);
        }

        return (string.Join('.', names), field!);
    }

    private static JsonObject Operation(
        ServiceDescriptor service, MethodDescriptor method, HttpRule rule,
        List<(string Name, FieldDescriptor Field)> pathFields, SchemaSet schemas)
    {
        var parameters = new JsonArray();
        foreach (var (name, field) in pathFields)
        {
            parameters.Add(new JsonObject { ["name"] = name, ["in"] = "path", ["required"] = true, ["schema"] = schemas.Field(field) });
        }

        var operation = new JsonObject
        {
            ["operationId"] = $"{service.Name}_{method.Name}",
            ["tags"] = new JsonArray(service.FullName),
            ["parameters"] = parameters,
        };

        if (rule.Body == "*")
        {
            // The fields bound to the path are not read from the body.
            var topLevelPathFields = pathFields.Where(p => !p.Name.Contains('.', StringComparison.Ordinal)).Select(p => p.Name).ToList();
            operation["requestBody"] = Body(topLevelPathFields.Count == 0
                ? schemas.Ref(method.InputType)
                : schemas.MessageWithout(method.InputType, topLevelPathFields));
        }
        else if (rule.Body.Length > 0)
        {
            operation["requestBody"] = Body(schemas.Field(method.InputType.FindFieldByName(rule.Body)));
        }

        if (rule.Body != "*")
        {
            // Every field not bound to the path or body can be given in the query string.
            var bound = pathFields.Select(p => p.Field.FullName).Append(rule.Body.Length > 0 ? method.InputType.FindFieldByName(rule.Body)?.FullName : null).ToHashSet();
            foreach (var (name, field) in QueryFields(method.InputType, "", bound, depth: 0))
            {
                parameters.Add(new JsonObject { ["name"] = name, ["in"] = "query", ["schema"] = schemas.Field(field) });
            }
        }

        var answer = rule.ResponseBody.Length > 0
            ? schemas.Field(method.OutputType.FindFieldByName(rule.ResponseBody))
            : schemas.Ref(method.OutputType);
        operation["responses"] = new JsonObject
        {
            ["200"] = new JsonObject
            {
                ["description"] = "OK",
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = answer } },
            },
            ["default"] = new JsonObject { ["description"] = "Error: a google.rpc.Status as JSON (code, message, details)." },
        };
        return operation;
    }

    private static JsonObject Body(JsonNode schema) => new()
    {
        ["required"] = true,
        ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schema } },
    };

    private static IEnumerable<(string Name, FieldDescriptor Field)> QueryFields(MessageDescriptor message, string prefix, HashSet<string?> bound, int depth)
    {
        foreach (var field in message.Fields.InFieldNumberOrder())
        {
            if (bound.Contains(field.FullName) || field.IsMap)
            {
                continue;
            }

            var name = prefix + field.JsonName;
            if (field.FieldType == FieldType.Message && !SchemaSet.IsScalarLike(field.MessageType))
            {
                if (!field.IsRepeated && depth < 3)
                {
                    foreach (var nested in QueryFields(field.MessageType, name + ".", bound, depth + 1))
                    {
                        yield return nested;
                    }
                }

                continue;
            }

            yield return (name, field);
        }
    }

    /// <summary>The component schemas, one per message or enum reached, named by short name unless two collide.</summary>
    private sealed class SchemaSet
    {
        private readonly Dictionary<string, JsonObject?> _byFullName = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

        public static bool IsScalarLike(MessageDescriptor message) => message.FullName switch
        {
            "google.protobuf.Timestamp" or "google.protobuf.Duration" or "google.protobuf.FieldMask" => true,
            _ => message.File.Name == "google/protobuf/wrappers.proto",
        };

        public JsonObject ToJson()
        {
            var result = new JsonObject();
            foreach (var (fullName, schema) in _byFullName.OrderBy(e => _names[e.Key], StringComparer.Ordinal))
            {
                result[_names[fullName]] = schema;
            }

            return result;
        }

        public JsonObject Ref(DescriptorBase type)
        {
            if (!_names.TryGetValue(type.FullName, out var name))
            {
                name = _names.ContainsValue(type.Name) ? type.FullName : type.Name;
                _names[type.FullName] = name;
                _byFullName[type.FullName] = null; // reserved: recursive messages refer to themselves
                _byFullName[type.FullName] = type switch
                {
                    EnumDescriptor e => Enum(e),
                    MessageDescriptor m => Message(m),
                    _ => throw new InvalidOperationException(type.FullName),
                };
            }

            return new JsonObject { ["$ref"] = "#/components/schemas/" + name };
        }

        /// <summary>The message's schema inline, without the given (JSON-named) top-level fields.</summary>
        public JsonObject MessageWithout(MessageDescriptor message, IReadOnlyCollection<string> jsonNames)
        {
            var schema = Message(message);
            var properties = (JsonObject)schema["properties"]!;
            foreach (var name in jsonNames)
            {
                properties.Remove(name);
            }

            if (schema["required"] is JsonArray required)
            {
                foreach (var entry in required.Where(r => jsonNames.Contains(r!.GetValue<string>())).ToList())
                {
                    required.Remove(entry);
                }

                if (required.Count == 0)
                {
                    schema.Remove("required");
                }
            }

            return schema;
        }

        public JsonObject Field(FieldDescriptor field)
        {
            if (field.IsMap)
            {
                return new JsonObject
                {
                    ["type"] = "object",
                    ["additionalProperties"] = Single(field.MessageType.FindFieldByNumber(2)),
                };
            }

            return field.IsRepeated
                ? new JsonObject { ["type"] = "array", ["items"] = Single(field) }
                : Single(field);
        }

        private JsonObject Single(FieldDescriptor field) => field.FieldType switch
        {
            FieldType.Double => Scalar("number", "double"),
            FieldType.Float => Scalar("number", "float"),
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => Scalar("integer", "int32"),
            FieldType.UInt32 or FieldType.Fixed32 => Scalar("integer", "int64"),
            // proto3 JSON writes 64-bit integers as strings.
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 or FieldType.UInt64 or FieldType.Fixed64 => Scalar("string", "int64"),
            FieldType.Bool => Scalar("boolean", null),
            FieldType.String => Scalar("string", null),
            FieldType.Bytes => Scalar("string", "byte"),
            FieldType.Enum => Ref(field.EnumType),
            FieldType.Message => WellKnown(field.MessageType) ?? Ref(field.MessageType),
            _ => new JsonObject(),
        };

        private static JsonObject Scalar(string type, string? format)
        {
            var schema = new JsonObject { ["type"] = type };
            if (format is not null)
            {
                schema["format"] = format;
            }

            return schema;
        }

        private JsonObject? WellKnown(MessageDescriptor message) => message.FullName switch
        {
            "google.protobuf.Timestamp" => Scalar("string", "date-time"),
            "google.protobuf.Duration" => new JsonObject { ["type"] = "string", ["example"] = "3.5s" },
            "google.protobuf.FieldMask" => new JsonObject { ["type"] = "string", ["example"] = "fieldA,fieldB.sub" },
            "google.protobuf.Empty" => new JsonObject { ["type"] = "object" },
            "google.protobuf.Struct" => new JsonObject { ["type"] = "object", ["additionalProperties"] = true },
            "google.protobuf.Value" or "google.protobuf.Any" => new JsonObject(),
            _ when message.File.Name == "google/protobuf/wrappers.proto" => WithNullable(Single(message.FindFieldByNumber(1))),
            _ => null,
        };

        private static JsonObject WithNullable(JsonObject schema)
        {
            schema["nullable"] = true;
            return schema;
        }

        private static JsonObject Enum(EnumDescriptor descriptor) => new()
        {
            ["type"] = "string",
            ["enum"] = new JsonArray([.. descriptor.Values.Select(v => (JsonNode)JsonValue.Create(v.Name))]),
        };

        private JsonObject Message(MessageDescriptor message)
        {
            var properties = new JsonObject();
            var required = new JsonArray();
            foreach (var field in message.Fields.InFieldNumberOrder())
            {
                properties[field.JsonName] = Field(field);
                if (field.GetOptions()?.GetExtension(FieldBehaviorExtensions.FieldBehavior) is { } behaviors
                    && behaviors.Contains(FieldBehavior.Required))
                {
                    required.Add(field.JsonName);
                }
            }

            var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
            if (required.Count > 0)
            {
                schema["required"] = required;
            }

            return schema;
        }
    }
}
