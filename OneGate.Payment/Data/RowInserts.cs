using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace OneGate.Payment.Data;

/// <summary>
/// INSERT statements for new rows, built once per entity type from the EF model (table, columns, type mappings),
/// for the ledger to send in one batch. The money path inserts five rows per transfer hundreds of times a second;
/// SaveChanges tracks each row and regenerates the batch SQL every time, which was a quarter of Payment's CPU in the
/// transfer benchmark. The parameters come from EF's own type mappings, so values (PostgreSQL enums, jsonb, value
/// converters) reach the database exactly as SaveChanges would send them. Database-generated keys (identity
/// columns) are left to the database and not read back.
/// </summary>
public static class RowInserts
{
    private sealed record Column(IClrPropertyGetter Getter, RelationalTypeMapping Mapping, bool Nullable, Type ArrayElement);

    private sealed record Statement(string Sql, string FromArrays, Column[] Columns);

    private static readonly ConcurrentDictionary<Type, Statement> Statements = new();

    // Only creates parameters (EF's type mappings take a command to create them from); never executed.
    private static readonly NpgsqlCommand ParameterSource = new();

    public static NpgsqlBatchCommand Command(DbContext db, object row)
    {
        var statement = StatementFor(db, row.GetType());
        var command = new NpgsqlBatchCommand(statement.Sql);
        foreach (var column in statement.Columns)
        {
            command.Parameters.Add(column.Mapping.CreateParameter(ParameterSource, "", column.Getter.GetClrValueUsingContainingEntity(row), column.Nullable));
        }

        return command;
    }

    /// <summary>
    /// One INSERT for rows of one entity type (the posting engine's batches), inserted in the order given: each
    /// column's values travel as one array and are unnested, so the statement's text is the same whatever the number
    /// of rows — prepared once per session (Npgsql's auto-prepare) instead of parsed and planned for every batch size,
    /// with one parameter per column instead of one per value.
    /// </summary>
    public static NpgsqlBatchCommand Command<TRow>(DbContext db, IReadOnlyList<TRow> rows) where TRow : class
    {
        var statement = StatementFor(db, typeof(TRow));
        var command = new NpgsqlBatchCommand(statement.FromArrays);
        foreach (var column in statement.Columns)
        {
            var values = Array.CreateInstance(column.ArrayElement, rows.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                var value = column.Getter.GetClrValueUsingContainingEntity(rows[i]);
                if (value is null && column.ArrayElement.IsValueType && Nullable.GetUnderlyingType(column.ArrayElement) is null)
                {
                    // The array would hold the type's default (0, false) where the column must refuse a null.
                    throw new InvalidOperationException($"{typeof(TRow).Name}: a null for a column that requires a value.");
                }

                values.SetValue(value is null || column.Mapping.Converter is not { } converter ? value : converter.ConvertToProvider(value), i);
            }

            command.Parameters.Add(new NpgsqlParameter { Value = values });
        }

        return command;
    }

    private static Statement StatementFor(DbContext db, Type type) =>
        Statements.GetOrAdd(type, static (type, model) => Build(model.FindEntityType(type)
            ?? throw new InvalidOperationException($"{type.Name} is not an entity of this model.")), db.Model);

    private static Statement Build(IEntityType entity)
    {
        var table = entity.GetTableMappings().Single();
        var written = table.ColumnMappings.Where(c => !(c.Property.IsPrimaryKey() && c.Property.ValueGenerated != ValueGenerated.Never)).ToArray();
        var names = string.Join(", ", written.Select(c => $"\"{c.Column.Name}\""));
        var values = string.Join(", ", written.Select((_, i) => $"${i + 1}"));
        var name = table.Table.Schema is { } schema ? $"\"{schema}\".\"{table.Table.Name}\"" : $"\"{table.Table.Name}\"";
        // Cast to each column's base type (text to jsonb or an enum); the length and scale are the column's to enforce on
        // insert, as for a value: an explicit cast to varchar(n) would cut a longer string instead of failing.
        var casts = string.Join(", ", written.Select((c, i) => $"v.c{i + 1}::{BaseType(c.Column.StoreType)}"));
        var aliases = string.Join(", ", written.Select((_, i) => $"c{i + 1}"));
        var fromArrays = $"INSERT INTO {name} ({names}) SELECT {casts} FROM unnest({values}) WITH ORDINALITY AS v({aliases}, n) ORDER BY v.n";
        return new Statement($"INSERT INTO {name} ({names}) VALUES ({values})", fromArrays,
            [.. written.Select(c => new Column(c.Property.GetGetter(), c.TypeMapping, c.Column.IsNullable, ArrayElement(c.TypeMapping, c.Column.IsNullable)))]);
    }

    private static string BaseType(string storeType)
    {
        var unbounded = storeType.Split('(')[0].Trim();
        return unbounded == "character" ? "bpchar" : unbounded; // bare "character" would be char(1)
    }

    /// <summary>The array element type Npgsql sends a column's values as: the provider type, nullable where the column is.</summary>
    private static Type ArrayElement(RelationalTypeMapping mapping, bool nullable)
    {
        var type = mapping.Converter?.ProviderClrType ?? mapping.ClrType;
        type = Nullable.GetUnderlyingType(type) ?? type;
        return nullable && type.IsValueType ? typeof(Nullable<>).MakeGenericType(type) : type;
    }
}
