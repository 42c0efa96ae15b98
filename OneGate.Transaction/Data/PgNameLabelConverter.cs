using System.Collections.Frozen;
using System.Reflection;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using NpgsqlTypes;

namespace OneGate.Transaction.Data;

/// <summary>
/// Converts an enum to the label its <c>[PgName]</c> gives it (e.g. <c>MINUTE</c>) and back. Used
/// where an enum is stored inside JSON, which EF would otherwise write as the C# member name
/// (<c>Minute</c>), so that JSON and the PostgreSQL enum columns spell values the same way.
/// </summary>
internal sealed class PgNameLabelConverter<TEnum>() : ValueConverter<TEnum, string>(
    v => ToLabel(v),
    s => FromLabel(s))
    where TEnum : struct, Enum
{
    private static readonly FrozenDictionary<TEnum, string> Labels = typeof(TEnum)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .ToFrozenDictionary(
            f => (TEnum)f.GetValue(null)!,
            f => f.GetCustomAttribute<PgNameAttribute>()?.PgName ?? f.Name);

    private static readonly FrozenDictionary<string, TEnum> Values =
        Labels.ToFrozenDictionary(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal);

    private static string ToLabel(TEnum value) =>
        Labels.TryGetValue(value, out var label)
            ? label
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"Not a {typeof(TEnum).Name} member.");

    private static TEnum FromLabel(string label) =>
        Values.TryGetValue(label, out var value)
            ? value
            : throw new InvalidOperationException($"'{label}' is not a {typeof(TEnum).Name} label.");
}
