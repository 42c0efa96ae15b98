using System.Globalization;

namespace OneGate.ServiceDefaults.Data;

/// <summary>
/// The SQL of each service's <c>ServiceSchemas</c> migration: moves the service's objects from <c>public</c>, where
/// databases older than the per-service schemas have them, to another schema (and back, for Down). A fixed list, as
/// in the roles script: in a database migrated by one owner, <c>public</c> holds every service's objects. What is
/// not there (a database created after the change, whose migrations ran in the service's schema) is skipped.
/// Indexes, constraints, triggers and owned sequences move with their table; grants stay.
/// </summary>
public static class SchemaMove
{
    public static string Sql(string from, string to, IEnumerable<(SchemaObject Kind, string Name)> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var values = string.Join(", ", objects.Select(o => string.Create(CultureInfo.InvariantCulture, $"('{Keyword(o.Kind)}', '{o.Name}')")));
        return $$"""
            DO $move$
            DECLARE
              item record;
            BEGIN
              FOR item IN SELECT kind, name FROM (VALUES {{values}}) AS o(kind, name) LOOP
                IF (CASE item.kind
                      WHEN 'TABLE' THEN to_regclass(format('%I.%I', '{{from}}', item.name)) IS NOT NULL
                      WHEN 'TYPE' THEN to_regtype(format('%I.%I', '{{from}}', item.name)) IS NOT NULL
                      ELSE to_regprocedure(format('%I.%I()', '{{from}}', item.name)) IS NOT NULL
                    END) THEN
                  EXECUTE format('ALTER %s %I.%I%s SET SCHEMA %I', item.kind, '{{from}}', item.name,
                    CASE item.kind WHEN 'FUNCTION' THEN '()' ELSE '' END, '{{to}}');
                END IF;
              END LOOP;
            END
            $move$;
            """;
    }

    private static string Keyword(SchemaObject kind) => kind switch
    {
        SchemaObject.Table => "TABLE",
        SchemaObject.Type => "TYPE",
        SchemaObject.Function => "FUNCTION",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
