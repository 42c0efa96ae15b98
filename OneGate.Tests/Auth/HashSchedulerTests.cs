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
        var scheduler = new HashScheduler(slots: 2, maxWaitingSuspectLogins: 8, maxWaitingRegistrations: 8);
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
        var scheduler = new HashScheduler(slots: 1, maxWaitingSuspectLogins: 8, maxWaitingRegistrations: 3);
        Assert.True(await scheduler.TryEnterAsync(HashPriority.Registration, CancellationToken.None));
        var waiting = Enumerable.Range(0, 3).Select(_ => scheduler.TryEnterAsync(HashPriority.Registration, CancellationToken.None)).ToList();

        Assert.False(scheduler.HasRoomFor(HashPriority.Registration));
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
        Assert.True(scheduler.HasRoomFor(HashPriority.Registration));
        Assert.True(await scheduler.TryEnterAsync(HashPriority.Registration, CancellationToken.None)); // the slot is free again
    }

    [Fact]
    public async Task A_waiter_whose_request_is_aborted_leaves_the_line_without_taking_a_slot()
    {
        var scheduler = new HashScheduler(slots: 1, maxWaitingSuspectLogins: 8, maxWaitingRegistrations: 1);
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

    [Fact]
    public async Task A_freed_slot_goes_to_clean_logins_then_suspect_logins_then_registrations_and_neither_of_the_latter_holds_every_slot()
    {
        var scheduler = new HashScheduler(slots: 2, maxWaitingSuspectLogins: 8, maxWaitingRegistrations: 8);
        Assert.True(await scheduler.TryEnterAsync(HashPriority.SuspectLogin, CancellationToken.None));
        var registration = scheduler.TryEnterAsync(HashPriority.Registration, CancellationToken.None);
        var suspects = Enumerable.Range(0, 3).Select(_ => scheduler.TryEnterAsync(HashPriority.SuspectLogin, CancellationToken.None)).ToList();
        Assert.False(registration.IsCompleted);
        Assert.All(suspects, s => Assert.False(s.IsCompleted)); // the second slot is kept for clean logins

        Assert.True(await scheduler.TryEnterAsync(HashPriority.Login, CancellationToken.None).WaitAsync(Granted));
        var clean = scheduler.TryEnterAsync(HashPriority.Login, CancellationToken.None);
        scheduler.Exit(HashPriority.SuspectLogin);
        Assert.True(await clean.WaitAsync(Granted)); // a clean login arriving last goes first
        Assert.All(suspects, s => Assert.False(s.IsCompleted));

        // Then the suspect logins in their order, one at a time, and the registration only after all of them.
        var holder = HashPriority.Login;
        foreach (var suspect in suspects)
        {
            scheduler.Exit(holder);
            Assert.True(await suspect.WaitAsync(Granted));
            Assert.False(registration.IsCompleted);
            holder = HashPriority.SuspectLogin;
        }

        scheduler.Exit(holder);
        Assert.True(await registration.WaitAsync(Granted));
    }

    [Fact]
    public async Task Suspect_logins_beyond_their_waiting_line_are_refused_at_once_and_clean_logins_never()
    {
        var scheduler = new HashScheduler(slots: 2, maxWaitingSuspectLogins: 2, maxWaitingRegistrations: 8);
        Assert.True(await scheduler.TryEnterAsync(HashPriority.SuspectLogin, CancellationToken.None));
        var waiting = Enumerable.Range(0, 2).Select(_ => scheduler.TryEnterAsync(HashPriority.SuspectLogin, CancellationToken.None)).ToList();

        Assert.False(scheduler.HasRoomFor(HashPriority.SuspectLogin));
        Assert.False(await scheduler.TryEnterAsync(HashPriority.SuspectLogin, CancellationToken.None));
        Assert.Equal(2, scheduler.WaitingSuspectLogins);
        Assert.True(await scheduler.TryEnterAsync(HashPriority.Login, CancellationToken.None).WaitAsync(Granted));
        var cleanLogins = Enumerable.Range(0, 20).Select(_ => scheduler.TryEnterAsync(HashPriority.Login, CancellationToken.None)).ToList();
        Assert.All(waiting.Concat(cleanLogins), w => Assert.False(w.IsCompleted)); // waiting, not refused

        scheduler.Exit(HashPriority.SuspectLogin);
        Assert.True(await cleanLogins[0].WaitAsync(Granted));
    }
}
