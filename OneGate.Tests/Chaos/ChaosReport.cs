using System.Globalization;
using System.Text;
using OneGate.Tests.Support;

namespace OneGate.Tests.Chaos;

/// <summary>What the chaos run did and found, as markdown (printed, and written to a file for docs/testing.md).</summary>
public sealed class ChaosReport
{
    public required SimulatedUsers Users { get; init; }

    public required IReadOnlyList<RegulatorPager> Regulators { get; init; }

    public required IReadOnlyList<RequestRecord> Requests { get; init; }

    public required IReadOnlyList<FaultWindow> Faults { get; init; }

    public required TimeSpan Grace { get; init; }

    public required TimeSpan Duration { get; init; }

    public required TimeSpan LoadTime { get; init; }

    public required TimeSpan SettleTime { get; init; }

    public required OutboxRecovery Recovery { get; init; }

    public required DurabilityCheck PostgresKept { get; init; }

    public required LedgerChecks.Conservation Conservation { get; init; }

    public required LedgerChecks.ChainReport Chains { get; init; }

    public required IReadOnlyList<string> RowsWithoutOneKey { get; init; }

    public required LedgerChecks.EventReport Events { get; init; }

    public required PendingTopUps Pending { get; init; }

    /// <summary>Top-ups where what the e-wallet took is not what we credited plus what it refunded (<see cref="TopUpAgreement"/>).</summary>
    public required IReadOnlyList<string> ProviderDisagreements { get; init; }

    public required IReadOnlyList<LedgerFigure> Ledger { get; init; }

    /// <summary>
    /// 5xx answers and attempts without an answer, outside every fault window (plus grace), other than the
    /// e-wallet's contracted 503 PROVIDER_UNAVAILABLE (the sandbox's timeout amount answers it by design).
    /// </summary>
    public IReadOnlyList<RequestRecord> Unexpected => [.. Requests.Where(r => Classify(r) == "UNEXPECTED")];

    private DateTimeOffset Began => Requests.Count == 0 ? DateTimeOffset.UtcNow : Requests.Min(r => r.Started);

    public string Classify(RequestRecord r)
    {
        if (!RequestLog.IsServerFailure(r.Status))
        {
            return "answered";
        }

        if (r.Status == 503 && r.Code == "PROVIDER_UNAVAILABLE")
        {
            return "provider unavailable (contract)";
        }

        return Faults.Any(w => r.Started <= w.Recovered + Grace && r.Ended >= w.Started) ? "in a fault window" : "UNEXPECTED";
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));

        Line($"### Chaos run: {Duration.TotalSeconds:0} s of load, {Users.UsersRegistered} users, 2 regulators");
        Line($"");
        Line($"Load {LoadTime.TotalSeconds:0} s (including requests still retrying at the end), settled {SettleTime.TotalSeconds:0} s later. {Requests.Count} HTTP requests; {Users.Operations} money operations, {Users.Replays} re-sent with their finished key, {Users.Abandoned} abandoned after {SimulatedUsers.GiveUpAfter.TotalSeconds:0} s of retries.");
        Line($"");
        Line($"**Faults injected** (window = fault start → all resources Healthy; failures up to {Grace.TotalSeconds:0} s after count as in it):");
        Line($"");
        Line($"| fault | at | recovered after | detail |");
        Line($"|---|---|---|---|");
        foreach (var fault in Faults)
        {
            Line($"| {fault.Fault} | +{(fault.Started - Began).TotalSeconds:0.0} s | {fault.Duration.TotalSeconds:0.0} s | {fault.Detail} |");
        }

        Line($"");
        Line($"**Requests by endpoint and status** (`none` = no answer: connection refused/reset or 20 s timeout; a 409 on a money endpoint is REQUEST_IN_PROGRESS: the key's first attempt still holds its lease, e.g. it died with the process, and the client retries):");
        Line($"");
        Line($"| endpoint | status | count | in a fault window | provider 503 (contract) | unexpected |");
        Line($"|---|---|---:|---:|---:|---:|");
        foreach (var group in Requests.GroupBy(r => (r.Endpoint, Status: r.Status?.ToString(CultureInfo.InvariantCulture) ?? "none"))
                     .OrderBy(g => g.Key.Endpoint, StringComparer.Ordinal).ThenBy(g => g.Key.Status, StringComparer.Ordinal))
        {
            var classes = group.Select(Classify).ToList();
            Line($"| {group.Key.Endpoint} | {group.Key.Status} | {group.Count()} | {classes.Count(c => c == "in a fault window")} | {classes.Count(c => c == "provider unavailable (contract)")} | {classes.Count(c => c == "UNEXPECTED")} |");
        }

        Line($"");
        foreach (var r in Unexpected.Take(10))
        {
            Line($"- unexpected: {r.Endpoint} {r.Status?.ToString(CultureInfo.InvariantCulture) ?? "none"} {r.Code} at +{(r.Started - Began).TotalSeconds:0.0} s");
        }

        Line($"Regulators: {string.Join("; ", Regulators.Select(r => $"{r.Pages} pages, {r.Walks} full walks, {r.RateLimited} × 429, {r.Duplicates.Count} duplicates within a walk"))}.");
        Line($"");
        Line($"**Money moved** (ledger rows; transfers counted once, sender side):");
        Line($"");
        Line($"| type | status | rows | amount (IDR) |");
        Line($"|---|---|---:|---:|");
        foreach (var figure in Ledger)
        {
            Line($"| {figure.Type} | {figure.Status} | {figure.Count} | {figure.Amount:N2} |");
        }

        Line($"");
        Line($"**Invariants** (after settling):");
        Line($"");
        var c = Conservation;
        Line($"- Conservation: balances {c.Balances:N2} = top-ups {c.TopUps:N2} − payments {c.Payments:N2} + refunds {c.Refunds:N2} → **{(c.Holds ? "holds exactly" : "BROKEN")}** (transfers {c.Transfers:N2}, net {c.TransferNet:N2}).");
        Line($"- Row chains: {Chains.Accounts} accounts, {Chains.Rows} SUCCESS rows walked in movement order → **{(Chains.Breaks.Count == 0 ? "no break" : $"{Chains.Breaks.Count} breaks: " + string.Join("; ", Chains.Breaks))}**.");
        Line($"- Idempotency: money rows not tied to exactly one key: **{RowsWithoutOneKey.Count}**; keys whose answers named two transactions or whose replay differed: **{Users.IdempotencyViolations.Count}**{(Users.IdempotencyViolations.Count > 0 ? ": " + string.Join("; ", Users.IdempotencyViolations.Take(5)) : "")}.");
        var e = Events;
        Line($"- Events: {e.OutboxEvents} in the outbox, {e.Unsent} unsent, {e.Applied} applied by the Transaction service, {e.NotApplied} not applied, {e.AppliedWithoutOutbox} applied without an outbox row, {e.TransactionsWithoutReportRow} ledger rows without a read-model row, {e.DeadLetters} dead-lettered; daily totals vs. recomputation from historical_transactions: {e.TotalsMismatches} differing rows → **{(e.Holds ? "each event applied exactly once, totals equal" : "BROKEN")}**.");
        Line($"- Broker restart: {(Recovery.LostWithBroker == 0
            ? "no event was lost with the in-memory Local broker's log (the consumer had read everything it acknowledged); no replay needed."
            : $"{Recovery.LostWithBroker} events were acknowledged by the in-memory Local broker but not yet consumed when it restarted (lost with its log; sent between +{(Recovery.FirstLostSentAt!.Value - Began).TotalSeconds:0.0} s and +{(Recovery.LastLostSentAt!.Value - Began).TotalSeconds:0.0} s); the outbox was replayed from the first of them on ({Recovery.Replayed} events re-sent, including everything sent since; {Recovery.Replayed - Recovery.LostWithBroker} of them skipped by the consumer's inbox as already applied).")}");
        Line($"- Postgres restart: {PostgresKept.Before} ledger rows committed before it, {PostgresKept.After} of them there after it. Redis restart: sessions and rate-limit counters are kept in its append-only file (no 401 above means every session survived).");
        Line($"- Top-ups against the e-wallets' books (taken = credited + refunded, status agrees): {ProviderDisagreements.Count} disagree{(ProviderDisagreements.Count == 0 ? "." : ": " + string.Join("; ", ProviderDisagreements.Take(10)))}");
        Line($"- PENDING top-ups: {Pending.Pending} left (oldest {Pending.Oldest.TotalSeconds:0} s); after settling none may be left (each settles within the {FaultsApp.ReconciliationWindow.TotalSeconds:0} s reconciliation window).");
        Line($"- Unexpected 5xx / no answer outside the fault windows: **{Unexpected.Count}**.");
        return text.ToString();
    }
}
