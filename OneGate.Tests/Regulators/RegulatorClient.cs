namespace OneGate.Tests.Regulators;

/// <summary>Calls <c>/api/external</c> with an <c>X-API-Key</c>.</summary>
public sealed class RegulatorClient(HttpClient transaction)
{
    public const string TransactionsPath = "/api/external/transactions";

    public static string TodayWib => DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(7)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static string ReportPath => $"/api/external/reports/daily?date={TodayWib}";

    public Task<HttpResponseMessage> GetAsync(string path, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (key is not null)
        {
            request.Headers.Add("X-API-Key", key);
        }

        request.Headers.UserAgent.ParseAdd("OneGateRegulatorTests/1.0");
        return transaction.SendAsync(request);
    }

    public static int Header(HttpResponseMessage response, string name) =>
        int.Parse(response.Headers.GetValues(name).Single(), System.Globalization.CultureInfo.InvariantCulture);
}
