using OneGate.Auth.Passwords;

namespace OneGate.Tests.Auth;

/// <summary>
/// The Argon2 scheduler without the app: slots held by "work" that only ends when the test says so, so the order in
/// which waiters get a slot is observed exactly, with no timing threshold.
/// </summary>
public sealed class HashSchedulerTests
{
    private static readonly TimeSpan Granted = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Registrations_never_hold_every_slot_and_a_login_gets_the_next_slot_before_registrations_queued_earlier()
    {
        var scheduler = new HashScheduler(slots: 2, maxWaitingRegistrations: 8);
        Assert.True(await scheduler.TryEnterAsync(HashPriority.Registration, CancellationToken.None));
        var queued = Enumerable.Range(0, 5).Select(_ => scheduler.TryEnterAsync(HashPriority.Registration, CancellationToken.None)).ToList();
        Assert.All(queued, r => Assert.False(r.IsCompleted)); // the second slot is kept for logins

        Assert.True(await scheduler.TryEnterAsync(HashPriority.Login, CancellationToken.None).WaitAsync(Granted));
        var login = scheduler.TryEnterAsync(HashPriority.Login, CancellationToken.None);
        Assert.False(login.IsCompleted);

        scheduler.Exit(HashPriority.Registration);

        Assert.True(await login.WaitAsync(Granted));
        Assert.All(queued, r => Assert.False(r.IsCompleted));
        scheduler.Exit(HashPriority.Login);
        Assert.True(await queued[0].WaitAsync(Granted)); // then the oldest registration
        Assert.All(queued.Skip(1), r => Assert.False(r.IsCompleted));
    }

    [Fact]
    public async Task Registrations_beyond_the_waiting_line_are_refused_at_once_and_logins_never()
    {
        var scheduler = new HashScheduler(slots: 1, maxWaitingRegistrations: 3);
        Assert.True(await scheduler.TryEnterAsync(HashPriority.Registration, CancellationToken.None));
        var waiting = Enumerable.Range(0, 3).Select(_ => scheduler.TryEnterAsync(HashPriority.Registration, CancellationToken.None)).ToList();

        Assert.False(scheduler.HasRoomForRegistration);
        Assert.False(await scheduler.TryEnterAsync(HashPriority.Registration, CancellationToken.None));
        var logins = Enumerable.Range(0, 20).Select(_ => scheduler.TryEnterAsync(HashPriority.Login, CancellationToken.None)).ToList();
        Assert.Equal(3, scheduler.WaitingRegistrations);

        // Every login, then every waiting registration, each as the previous holder exits.
        var holder = HashPriority.Registration;
        foreach (var (next, priority) in logins.Select(l => (l, HashPriority.Login)).Concat(waiting.Select(w => (w, HashPriority.Registration))))
        {
            scheduler.Exit(holder);
            Assert.True(await next.WaitAsync(Granted));
            holder = priority;
        }

        scheduler.Exit(holder);
        Assert.True(scheduler.HasRoomForRegistration);
        Assert.True(await scheduler.TryEnterAsync(HashPriority.Registration, CancellationToken.None)); // the slot is free again
    }

    [Fact]
    public async Task A_waiter_whose_request_is_aborted_leaves_the_line_without_taking_a_slot()
    {
        var scheduler = new HashScheduler(slots: 1, maxWaitingRegistrations: 1);
        Assert.True(await scheduler.TryEnterAsync(HashPriority.Login, CancellationToken.None));
        using var aborted = new CancellationTokenSource();
        var abandoned = scheduler.TryEnterAsync(HashPriority.Registration, aborted.Token);
        var login = scheduler.TryEnterAsync(HashPriority.Login, CancellationToken.None);

        await aborted.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.Equal(0, scheduler.WaitingRegistrations);
        scheduler.Exit(HashPriority.Login);
        Assert.True(await login.WaitAsync(Granted));
        scheduler.Exit(HashPriority.Login);
        Assert.True(await scheduler.TryEnterAsync(HashPriority.Registration, CancellationToken.None));
    }
}
