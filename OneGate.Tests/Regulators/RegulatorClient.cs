namespace OneGate.Tests.Regulators;

/// <summary>Calls <c>/api/external</c> with an <c>X-API-Key</c>.</summary>
public sealed class RegulatorClient(HttpClient transaction)
{
    public const string TransactionsPath = "/api/external/transactions";

    public static string TodayWib => DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(7)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static string ReportPath => $"/api/external/reports/daily?date={TodayWib}";

    public const string UserAgent = "OneGateRegulatorTests/1.0";

    /// <param name="newConnection">Close the connection after the response, so the next request may reach another replica.</param>
    /// <param name="userAgent">Recorded in the access log: a distinct one tells one request's row from another's.</param>
    public Task<HttpResponseMessage> GetAsync(string path, string? key, bool newConnection = false, string userAgent = UserAgent)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.ConnectionClose = newConnection;
        if (key is not null)
        {
            request.Headers.Add("X-API-Key", key);
        }

        // Unvalidated: tests send what hostile clients send (formula-like agents for the CSV export).
        request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        return transaction.SendAsync(request);
    }

    public static string ServedBy(HttpResponseMessage response) => response.Headers.GetValues("X-Served-By").Single();

    public static int Header(HttpResponseMessage response, string name) =>
        int.Parse(response.Headers.GetValues(name).Single(), System.Globalization.CultureInfo.InvariantCulture);
}
