using Google.Protobuf.Reflection;
using Logistics.Access.V1;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Any;
using Microsoft.OpenApi.Extensions;
using Microsoft.OpenApi.Interfaces;
using Microsoft.OpenApi.Models;

namespace Logistics.Gateway;

/// <summary>
/// The OpenAPI document of the REST API, built from the same protos as the gateway's routes (<see cref="ApiCatalogue"/>):
/// every REST route with its path and query parameters, its request and response messages as JSON schemas (proto3 JSON
/// mapping), and the roles that may call it (in the description and in "x-logistics-roles"), behind a bearer token.
/// Integrators read it without proto tooling.
/// </summary>
public static class ApiDocument
{
    public const string Path = "/openapi/v1.json";

    /// <summary>"x-logistics-roles": the roles that may call an operation; "x-logistics-any-signed-in": any signed-in user may.</summary>
    public const string RolesExtension = "x-logistics-roles";
    public const string AnySignedInExtension = "x-logistics-any-signed-in";

    private const string Bearer = "bearer";

    public static OpenApiDocument Build()
    {
        var schemas = new SortedDictionary<string, OpenApiSchema>(StringComparer.Ordinal);
        var paths = new OpenApiPaths();
        foreach (var method in ApiCatalogue.Methods.Where(m => m.Rest is not null))
        {
            var path = ApiRoutes.RestPath(method);
            if (!paths.TryGetValue(path, out var item)) paths[path] = item = new OpenApiPathItem();
            item.Operations[Enum.Parse<OperationType>(method.Rest!.Verb, ignoreCase: true)] = Operation(method, path, schemas);
        }
        return new OpenApiDocument
        {
            Info = new OpenApiInfo
            {
                Title = "Logistics API",
                Version = "v1",
                Description = "The REST API of the logistics services, through the gateway. Every call carries a bearer token (JWT) "
                    + "with the caller's roles; each operation says which roles may call it. The services check more (the caller's "
                    + "centres, their own records). The same methods are served over gRPC on the gateway's gRPC port (protos/).",
            },
            Servers = [new OpenApiServer { Url = "/" }],
            Paths = paths,
            Tags = [.. ApiCatalogue.Services.Keys.Select(s => new OpenApiTag { Name = s })],
            Components = new OpenApiComponents
            {
                Schemas = new Dictionary<string, OpenApiSchema>(schemas),
                SecuritySchemes = new Dictionary<string, OpenApiSecurityScheme>
                {
                    [Bearer] = new() { Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT" },
                },
            },
            SecurityRequirements = [new OpenApiSecurityRequirement { [BearerReference()] = [] }],
        };
    }

    public static string ToJson(OpenApiDocument document) => document.SerializeAsJson(OpenApiSpecVersion.OpenApi3_0);

    /// <summary>Who may call, in words.</summary>
    public static string WhoMayCall(ApiMethod method) =>
        method.AnySignedIn ? "Any signed-in user." : $"Roles: {string.Join(", ", method.Roles)}.";

    private static OpenApiOperation Operation(ApiMethod method, string path, IDictionary<string, OpenApiSchema> schemas)
    {
        var input = method.Method.InputType;
        var pathFields = path.Split('{', '}').Where((_, i) => i % 2 == 1).ToHashSet(StringComparer.Ordinal);
        var operation = new OpenApiOperation
        {
            OperationId = method.IsShared ? $"{method.Service}.{method.Method.Name}" : $"{method.Method.Service.Name}.{method.Method.Name}",
            Summary = $"{method.Method.Service.Name}.{method.Method.Name}",
            Description = $"{WhoMayCall(method)} gRPC: {method.GrpcPath}.",
            Tags = [new OpenApiTag { Name = method.Service }],
            Security = [new OpenApiSecurityRequirement { [BearerReference()] = [] }],
        };
        operation.Extensions[method.AnySignedIn ? AnySignedInExtension : RolesExtension] = method.AnySignedIn
            ? new OpenApiBoolean(true)
            : RoleArray(method.Roles);

        foreach (var field in input.Fields.InDeclarationOrder())
        {
            if (pathFields.Contains(field.JsonName))
                operation.Parameters.Add(new OpenApiParameter { Name = field.JsonName, In = ParameterLocation.Path, Required = true, Schema = Schema(field, schemas) });
            else if (!method.Rest!.HasBody && field.FieldType != FieldType.Message)
                operation.Parameters.Add(new OpenApiParameter { Name = field.JsonName, In = ParameterLocation.Query, Schema = Schema(field, schemas) });
        }
        if (method.Rest!.HasBody)
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = { ["application/json"] = new OpenApiMediaType { Schema = MessageSchema(input, schemas) } },
            };

        operation.Responses["200"] = method.Method.OutputType.FullName == "google.api.HttpBody"
            ? new OpenApiResponse { Description = "The file's bytes, with its content type.", Content = { ["*/*"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = "string", Format = "binary" } } } }
            : new OpenApiResponse { Description = "OK", Content = { ["application/json"] = new OpenApiMediaType { Schema = MessageSchema(method.Method.OutputType, schemas) } } };
        operation.Responses["400"] = new OpenApiResponse { Description = "Bad input: the error names the field; nothing was written." };
        operation.Responses["401"] = new OpenApiResponse { Description = "No valid bearer token." };
        operation.Responses["403"] = new OpenApiResponse { Description = "The caller's roles (or, in the service, their centres or records) do not allow it." };
        operation.Responses["404"] = new OpenApiResponse { Description = "Not found." };
        return operation;
    }

    private static OpenApiArray RoleArray(IEnumerable<string> roles)
    {
        var array = new OpenApiArray();
        array.AddRange(roles.Select(r => (IOpenApiAny)new OpenApiString(r)));
        return array;
    }

    private static OpenApiSecurityScheme BearerReference() =>
        new() { Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = Bearer } };

    /// <summary>A field's schema as the proto3 JSON mapping writes it (64-bit integers as strings, enums by name, ...).</summary>
    private static OpenApiSchema Schema(FieldDescriptor field, IDictionary<string, OpenApiSchema> schemas)
    {
        if (field.IsMap)
            return new OpenApiSchema { Type = "object", AdditionalProperties = Schema(field.MessageType.FindFieldByNumber(2), schemas) };
        var single = field.FieldType switch
        {
            FieldType.String => new OpenApiSchema { Type = "string" },
            FieldType.Bool => new OpenApiSchema { Type = "boolean" },
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => new OpenApiSchema { Type = "integer", Format = "int32" },
            FieldType.UInt32 or FieldType.Fixed32 => new OpenApiSchema { Type = "integer", Format = "int64", Minimum = 0 },
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 or FieldType.UInt64 or FieldType.Fixed64 => new OpenApiSchema { Type = "string", Format = "int64" },
            FieldType.Double => new OpenApiSchema { Type = "number", Format = "double" },
            FieldType.Float => new OpenApiSchema { Type = "number", Format = "float" },
            FieldType.Bytes => new OpenApiSchema { Type = "string", Format = "byte" },
            FieldType.Enum => new OpenApiSchema { Type = "string", Enum = [.. field.EnumType.Values.Select(v => (IOpenApiAny)new OpenApiString(v.Name))] },
            _ => MessageSchema(field.MessageType, schemas),
        };
        return field.IsRepeated ? new OpenApiSchema { Type = "array", Items = single } : single;
    }

    /// <summary>A message's schema: a reference to it under components, or the JSON form of a well-known type.</summary>
    private static OpenApiSchema MessageSchema(MessageDescriptor message, IDictionary<string, OpenApiSchema> schemas)
    {
        switch (message.FullName)
        {
            case "google.protobuf.Timestamp": return new OpenApiSchema { Type = "string", Format = "date-time" };
            case "google.protobuf.Duration": return new OpenApiSchema { Type = "string", Description = "Seconds with an \"s\" suffix, e.g. \"3.5s\"." };
            case "google.protobuf.Empty": return new OpenApiSchema { Type = "object" };
            case "google.protobuf.Struct": return new OpenApiSchema { Type = "object", AdditionalProperties = new OpenApiSchema() };
            case "google.protobuf.Value": return new OpenApiSchema();
            case "google.protobuf.StringValue": return new OpenApiSchema { Type = "string", Nullable = true };
            case "google.protobuf.BoolValue": return new OpenApiSchema { Type = "boolean", Nullable = true };
            case "google.protobuf.Int32Value": return new OpenApiSchema { Type = "integer", Format = "int32", Nullable = true };
            case "google.protobuf.Int64Value": return new OpenApiSchema { Type = "string", Format = "int64", Nullable = true };
            case "google.protobuf.DoubleValue": return new OpenApiSchema { Type = "number", Format = "double", Nullable = true };
        }
        if (!schemas.ContainsKey(message.FullName))
        {
            var schema = new OpenApiSchema { Type = "object" };
            schemas[message.FullName] = schema; // before the fields: a message may contain itself
            foreach (var field in message.Fields.InDeclarationOrder())
                schema.Properties[field.JsonName] = Schema(field, schemas);
        }
        return new OpenApiSchema { Reference = new OpenApiReference { Type = ReferenceType.Schema, Id = message.FullName } };
    }
}
