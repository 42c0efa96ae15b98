using OneGate.Tests.Support.Conformance;

namespace OneGate.Tests.Contract;

/// <summary>The validator behind <see cref="OpenApiConformanceTests"/> finds what it must, on a small document.</summary>
public sealed class PublishedDocumentTests
{
    private const string Document = """
        {
          "openapi": "3.1.1",
          "paths": {
            "/api/things/summary": { "get": { "responses": { "200": { "content": { "application/json": { "schema": { "type": "object" } } } } } } },
            "/api/things/{id}": {
              "get": {
                "responses": {
                  "200": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Thing" } } } },
                  "404": { "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } }
                }
              }
            },
            "/api/things": {
              "post": {
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NewThing" } } } },
                "responses": { "204": { "description": "made" } }
              }
            }
          },
          "components": {
            "schemas": {
              "Method": { "type": "string", "enum": ["GOPAY", "SHOPEE_PAY"] },
              "BrokenMethod": { "enum": ["GOPAY", "SHOPEE_PAY", null] },
              "Thing": {
                "type": "object", "required": ["name", "method", "broken"],
                "properties": {
                  "name": { "type": "string" },
                  "method": { "oneOf": [{ "type": "null" }, { "$ref": "#/components/schemas/Method" }] },
                  "broken": { "oneOf": [{ "type": "null" }, { "$ref": "#/components/schemas/BrokenMethod" }] }
                }
              },
              "Problem": { "type": "object", "required": ["code"], "properties": { "code": { "type": "string" } } },
              "NewThing": { "type": "object", "required": ["name", "note"], "properties": { "name": { "type": "string" }, "note": { "type": ["null", "string"] } } }
            }
          }
        }
        """;

    private readonly PublishedDocument document = PublishedDocument.Parse("things", Document);

    [Fact]
    public void A_literal_path_wins_over_a_template_and_unknown_paths_have_no_operation()
    {
        Assert.Equal("GET /api/things/summary", document.Find("GET", "/api/things/summary")!.Name);
        Assert.Equal("GET /api/things/{id}", document.Find("GET", "/api/things/T-1")!.Name);
        Assert.Equal("POST /api/things", document.Find("POST", "/api/things/")!.Name);
        Assert.Null(document.Find("DELETE", "/api/things/T-1"));
        Assert.Null(document.Find("GET", "/health"));
    }

    [Fact]
    public void A_valid_response_has_no_violations()
    {
        var thing = document.Find("GET", "/api/things/T-1")!;
        Assert.Empty(thing.CheckResponse(200, "application/json", """{"name":"a","method":null,"broken":"GOPAY"}"""));
        Assert.Empty(thing.CheckResponse(200, "application/json", """{"name":"a","method":"SHOPEE_PAY","broken":"GOPAY"}"""));
        Assert.Empty(thing.CheckResponse(404, "application/problem+json", """{"code":"NOT_FOUND","extra":1}"""));
    }

    [Fact]
    public void A_null_enum_that_matches_both_branches_of_its_oneOf_is_a_violation()
    {
        var failures = document.Find("GET", "/api/things/T-1")!.CheckResponse(200, "application/json", """{"name":"a","method":null,"broken":null}""");

        var failure = Assert.Single(failures);
        Assert.Equal("/broken", failure.Pointer);
        Assert.Contains("oneOf", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Undocumented_statuses_media_types_and_missing_properties_are_violations()
    {
        var thing = document.Find("GET", "/api/things/T-1")!;

        Assert.Contains("status 500 is not documented", Assert.Single(thing.CheckResponse(500, "application/problem+json", "{}")).Message, StringComparison.Ordinal);
        Assert.Contains("media type application/json is not documented", Assert.Single(thing.CheckResponse(404, "application/json", """{"code":"X"}""")).Message, StringComparison.Ordinal);
        Assert.Contains(thing.CheckResponse(200, "application/json", """{"name":1,"method":"OVO","broken":"GOPAY"}"""), f => f.Pointer == "/name");
        Assert.Contains(thing.CheckResponse(200, "application/json", """{"name":"a","broken":"GOPAY"}"""), f => f.Message.Contains("method", StringComparison.Ordinal));
        Assert.Contains("no body", Assert.Single(thing.CheckResponse(200, null, "")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_accepted_request_without_a_field_the_document_requires_is_a_violation()
    {
        var post = document.Find("POST", "/api/things")!;

        Assert.Empty(post.CheckRequest("application/json", """{"name":"a","note":null}"""));
        Assert.Contains(post.CheckRequest("application/json", """{"name":"a"}"""), f => f.Message.Contains("note", StringComparison.Ordinal));
        Assert.Contains("required", Assert.Single(post.CheckRequest(null, "")).Message, StringComparison.Ordinal);
        Assert.Empty(post.CheckResponse(204, null, ""));
        Assert.Contains("does not declare", Assert.Single(post.CheckResponse(204, "application/json", "{}")).Message, StringComparison.Ordinal);
    }
}
