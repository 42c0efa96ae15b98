using Microsoft.AspNetCore.Http.HttpResults;

namespace OneGate.Transaction.Diagnostics;

/// <summary>Shows whether this instance's consumer group received a ping. Mapped only when OneGate:Diagnostics:Enabled.</summary>
public static class KafkaPingApi
{
    public static IEndpointRouteBuilder MapKafkaPingApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/internal/diagnostics/kafka-pings/{pingId:guid}", GetPing)
            .WithName("GetReceivedKafkaPing")
            .ExcludeFromDescription();
        return app;
    }

    private static Results<Ok<ReceivedPing>, NotFound> GetPing(Guid pingId, ReceivedPings received) =>
        received.Find(pingId) is { } ping ? TypedResults.Ok(ping) : TypedResults.NotFound();
}
