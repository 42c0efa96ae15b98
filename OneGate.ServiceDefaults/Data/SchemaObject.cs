namespace OneGate.ServiceDefaults.Data;

/// <summary>What <see cref="SchemaMove"/> moves: a table (with its indexes and owned sequences), an enum type, or a function without arguments.</summary>
public enum SchemaObject
{
    Table,
    Type,
    Function,
}
