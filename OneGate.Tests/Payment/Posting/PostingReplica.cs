using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OneGate.Payment.Data;
using OneGate.Payment.Events;
using OneGate.Payment.HistoryCache;
using OneGate.Payment.Ledger;
using StackExchange.Redis;

namespace OneGate.Tests.Payment.Posting;

/// <summary>
/// Another Payment replica's posting engine, in the test process: the engine and batches the service runs, on the
/// service's own database login, so tests can post batches of their choosing next to the running app. Its sessions
/// carry <see cref="ApplicationName"/>, so a test can find and terminate them.
/// </summary>
public sealed class PostingReplica : IAsyncDisposable
{
    private readonly ServiceProvider services;

    private PostingReplica(ServiceProvider services, string applicationName)
    {
        this.services = services;
        ApplicationName = applicationName;
    }

    public string ApplicationName { get; }

    public PostingEngine Engine => services.GetRequiredService<PostingEngine>();

    /// <param name="redis">Given: the history cache is invalidated through it after each commit, as the app does (otherwise not at all).</param>
    public static async Task<PostingReplica> StartAsync(OneGateAppFixture fixture, string applicationName, Action<PostingOptions>? configure = null,
        IConnectionMultiplexer? redis = null)
    {
        var connection = new NpgsqlConnectionStringBuilder(await fixture.ServiceConnectionStringAsync("payment", "onegate")) { ApplicationName = applicationName }
            .ConnectionString;
        var services = new ServiceCollection();
        if (redis is not null)
        {
            services.AddSingleton(redis);
            services.AddSingleton<HistoryCacheInvalidation>();
        }

        services.AddDbContext<PaymentDbContext>((provider, o) =>
        {
            o.UseNpgsql(connection, PaymentDbContext.ConfigureNpgsql);
            if (redis is not null)
            {
                o.AddInterceptors(provider.GetRequiredService<HistoryCacheInvalidation>());
            }
        });
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>));
        services.AddOptions<PaymentLimits>();
        services.AddOptions<PostingOptions>().Configure(o => configure?.Invoke(o));
        services.AddScoped<Postings>();
        services.AddScoped<PostingBatch>();
        services.AddScoped<SettlementBatch>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<PostingEngine>();
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<PostingEngine>().StartAsync(CancellationToken.None);
        return new PostingReplica(provider, applicationName);
    }

    /// <summary>Posts the requests as one batch, in one transaction, in this order (bypassing the queue).</summary>
    public async Task<List<PostingAnswer>> PostOneBatchAsync(IReadOnlyList<QueuedPosting> batch)
    {
        await using var scope = services.CreateAsyncScope();
        var answers = await scope.ServiceProvider.GetRequiredService<PostingBatch>().PostAsync(batch, CancellationToken.None);
        return [.. batch.Select(q => answers.Single(a => a.Queued == q).Answer)];
    }

    /// <summary>A request with a new key whose stored answer is a small stand-in (the status and the transaction id are real).</summary>
    public static QueuedPosting Queued(PostingRequest request, string? key = null)
    {
        key ??= Guid.NewGuid().ToString();
        return new QueuedPosting(request, key, outcome => StoredAnswer(request.UserId, key, outcome), Trace: null);
    }

    public static IdempotencyKey StoredAnswer(int userId, string key, PostingOutcome outcome)
    {
        var now = DateTimeOffset.UtcNow;
        return new IdempotencyKey
        {
            UserId = userId, Key = key, RequestMethod = "POST", RequestPath = "/api/payments/test", RequestHash = new string('0', 64),
            Status = IdempotencyStatus.Completed, ResponseStatus = outcome is PostingOutcome.Posted ? 201 : 422, ResponseContentType = "application/json",
            ResponseBody = "{}", TransactionId = (outcome as PostingOutcome.Posted)?.Row.TransactionId, CreatedAt = now, CompletedAt = now,
            ExpiresAt = now + TimeSpan.FromHours(1),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.StopAsync(CancellationToken.None);
        await services.DisposeAsync();
    }
}
