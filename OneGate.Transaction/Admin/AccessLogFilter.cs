using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using OneGate.Transaction.History;

namespace OneGate.Transaction.Admin;

/// <summary>The filters of the access logs' browse and export (query string), every one optional, combined with AND.</summary>
public sealed class AccessLogFilter
{
    [FromQuery, Description("The service's id (a whole number)")] public string? ServiceId { get; init; }

    [FromQuery, Description("The key's id (a UUID)")] public string? KeyId { get; init; }

    [FromQuery, Description("From this time (inclusive, ISO 8601)")] public string? From { get; init; }

    [FromQuery, Description("Before this time (exclusive, ISO 8601)")] public string? To { get; init; }

    /// <summary>
    /// The parsed, validated filters; null, with <paramref name="errors"/> filled (by query parameter), when a value is
    /// wrong. Only the parsed form can be applied, so a filter nobody checked cannot widen an export to everything.
    /// </summary>
    public AccessLogCriteria? Parse(Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var found = errors.Count;
        int? service = null;
        Guid? key = null;
        if (ServiceId is not null)
        {
            service = int.TryParse(ServiceId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id >= 1 ? id : null;
            if (service is null)
            {
                errors["serviceId"] = ["A service id: a whole number from 1."];
            }
        }

        if (KeyId is not null)
        {
            key = Guid.TryParseExact(KeyId, "D", out var id) ? id : null;
            if (key is null)
            {
                errors["keyId"] = ["A key id: a UUID like 0193a5c2-7d1e-7cc0-a1b2-c3d4e5f60718."];
            }
        }

        var from = HistoryQuery.ParseTime(From, "from", errors);
        var to = HistoryQuery.ParseTime(To, "to", errors);
        if (from is not null && to is not null && from >= to)
        {
            errors["to"] = ["'to' must be after 'from'."];
        }

        return errors.Count > found ? null : new AccessLogCriteria(service, key, from, to);
    }
}
