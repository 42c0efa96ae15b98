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
    private sealed record Column(IClrPropertyGetter Getter, RelationalTypeMapping Mapping, bool Nullable);

    private sealed record Statement(string Sql, string Head, Column[] Columns);

    private static readonly ConcurrentDictionary<Type, Statement> Statements = new();

    // Only creates parameters (EF's type mappings take a command to create them from); never executed.
    private static readonly NpgsqlCommand ParameterSource = new();

    public static NpgsqlBatchCommand Command(DbContext db, object row)
    {
        var statement = StatementFor(db, row.GetType());
        var command = new NpgsqlBatchCommand(statement.Sql);
        AddParameters(command, statement, row);
        return command;
    }

    /// <summary>
    /// One multi-row INSERT for rows of one entity type (the posting engine's batches), with an optional tail
    /// such as <c>ON CONFLICT ... RETURNING ...</c>. Rows are inserted in the order given.
    /// </summary>
    public static NpgsqlBatchCommand Command<TRow>(DbContext db, IReadOnlyList<TRow> rows, string tail = "") where TRow : class
    {
        var statement = StatementFor(db, typeof(TRow));
        var width = statement.Columns.Length;
        var values = Enumerable.Range(0, rows.Count)
            .Select(r => "(" + string.Join(", ", Enumerable.Range(r * width + 1, width).Select(i => $"${i}")) + ")");
        var command = new NpgsqlBatchCommand($"{statement.Head} VALUES {string.Join(", ", values)} {tail}");
        foreach (var row in rows)
        {
            AddParameters(command, statement, row);
        }

        return command;
    }

    private static Statement StatementFor(DbContext db, Type type) =>
        Statements.GetOrAdd(type, static (type, model) => Build(model.FindEntityType(type)
            ?? throw new InvalidOperationException($"{type.Name} is not an entity of this model.")), db.Model);

    private static void AddParameters(NpgsqlBatchCommand command, Statement statement, object row)
    {
        foreach (var column in statement.Columns)
        {
            var value = column.Getter.GetClrValueUsingContainingEntity(row);
            command.Parameters.Add(column.Mapping.CreateParameter(ParameterSource, "", value, column.Nullable));
        }
    }

    private static Statement Build(IEntityType entity)
    {
        var table = entity.GetTableMappings().Single();
        var written = table.ColumnMappings.Where(c => !(c.Property.IsPrimaryKey() && c.Property.ValueGenerated != ValueGenerated.Never)).ToArray();
        var names = string.Join(", ", written.Select(c => $"\"{c.Column.Name}\""));
        var values = string.Join(", ", written.Select((_, i) => $"${i + 1}"));
        var name = table.Table.Schema is { } schema ? $"\"{schema}\".\"{table.Table.Name}\"" : $"\"{table.Table.Name}\"";
        return new Statement($"INSERT INTO {name} ({names}) VALUES ({values})", $"INSERT INTO {name} ({names})",
            [.. written.Select(c => new Column(c.Property.GetGetter(), c.TypeMapping, c.Column.IsNullable))]);
    }
}
