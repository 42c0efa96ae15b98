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
        var scheduler = new HashScheduler(slots: 2, maxWaitingNewClientLogins: 8, maxWaitingSuspectLogins: 8, maxWaitingRegistrations: 8);
        Assert.True(await scheduler.TryEnterAsync(HashPriority.Registration, CancellationToken.None));
        var queued = Enumerable.Range(0, 5).Select(_ => scheduler.TryEnterAsync(HashPriority.Registration, CancellationToken.None)).ToList();
        Assert.All(queued, r => Assert.False(r.IsCompleted)); // the second slot is kept for logins

        Assert.True(await scheduler.TryEnterAsync(HashPriority.KnownLogin, CancellationToken.None).WaitAsync(Granted));
        var login = scheduler.TryEnterAsync(HashPriority.KnownLogin, CancellationToken.None);
        Assert.False(login.IsCompleted);

        scheduler.Exit(HashPriority.Registration);

        Assert.True(await login.WaitAsync(Granted));
        Assert.All(queued, r => Assert.False(r.IsCompleted));
        scheduler.Exit(HashPriority.KnownLogin);
        Assert.True(await queued[0].WaitAsync(Granted)); // then the oldest registration
        Assert.All(queued.Skip(1), r => Assert.False(r.IsCompleted));
    }

    [Fact]
    public async Task Registrations_beyond_the_waiting_line_are_refused_at_once_and_logins_never()
    {
        var scheduler = new HashScheduler(slots: 1, maxWaitingNewClientLogins: 8, maxWaitingSuspectLogins: 8, maxWaitingRegistrations: 3);
        Assert.True(await scheduler.TryEnterAsync(HashPriority.Registration, CancellationToken.None));
        var waiting = Enumerable.Range(0, 3).Select(_ => scheduler.TryEnterAsync(HashPriority.Registration, CancellationToken.None)).ToList();

        Assert.False(await scheduler.TryEnterAsync(HashPriority.Registration, CancellationToken.None));
        var logins = Enumerable.Range(0, 20).Select(_ => scheduler.TryEnterAsync(HashPriority.KnownLogin, CancellationToken.None)).ToList();
        Assert.Equal(3, scheduler.WaitingRegistrations);

        // Every login, then every waiting registration, each as the previous holder exits.
        var holder = HashPriority.Registration;
        foreach (var (next, priority) in logins.Select(l => (l, HashPriority.KnownLogin)).Concat(waiting.Select(w => (w, HashPriority.Registration))))
        {
            scheduler.Exit(holder);
            Assert.True(await next.WaitAsync(Granted));
            holder = priority;
        }

        scheduler.Exit(holder);
        Assert.True(await scheduler.TryEnterAsync(HashPriority.Registration, CancellationToken.None)); // the slot is free again
    }

    [Fact]
    public async Task Admissions_beyond_the_shared_slots_and_the_line_are_refused_and_admitted_work_is_never_refused_a_slot()
    {
        var scheduler = new HashScheduler(slots: 2, maxWaitingNewClientLogins: 8, maxWaitingSuspectLogins: 8, maxWaitingRegistrations: 3);
        // One shared slot and a line of three: four registrations may be under way, a fifth is refused before any work.
        Assert.All(Enumerable.Range(0, 4), _ => Assert.True(scheduler.TryAdmit(HashPriority.Registration)));
        Assert.False(scheduler.TryAdmit(HashPriority.Registration));
        Assert.True(scheduler.TryAdmit(HashPriority.KnownLogin)); // known logins are never refused

        // Work that was not admitted fills the line first; the admitted still get their slots, in turn.
        Assert.True(await scheduler.TryEnterAsync(HashPriority.Registration, CancellationToken.None));
        var unadmitted = Enumerable.Range(0, 3).Select(_ => scheduler.TryEnterAsync(HashPriority.Registration, CancellationToken.None)).ToList();
        Assert.False(await scheduler.TryEnterAsync(HashPriority.Registration, CancellationToken.None));
        var admitted = Enumerable.Range(0, 4).Select(_ => scheduler.EnterAdmittedAsync(HashPriority.Registration, CancellationToken.None)).ToList();
        foreach (var next in unadmitted.Cast<Task>().Concat(admitted))
        {
            scheduler.Exit(HashPriority.Registration);
            await next.WaitAsync(Granted);
        }

        scheduler.Dismiss(HashPriority.Registration);
        Assert.True(scheduler.TryAdmit(HashPriority.Registration)); // a dismissed admission makes room for the next
        Assert.False(scheduler.TryAdmit(HashPriority.Registration));
    }

    [Fact]
    public async Task A_waiter_whose_request_is_aborted_leaves_the_line_without_taking_a_slot()
    {
        var scheduler = new HashScheduler(slots: 1, maxWaitingNewClientLogins: 8, maxWaitingSuspectLogins: 8, maxWaitingRegistrations: 1);
        Assert.True(await scheduler.TryEnterAsync(HashPriority.KnownLogin, CancellationToken.None));
        using var aborted = new CancellationTokenSource();
        var abandoned = scheduler.TryEnterAsync(HashPriority.Registration, aborted.Token);
        var login = scheduler.TryEnterAsync(HashPriority.KnownLogin, CancellationToken.None);

        await aborted.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.Equal(0, scheduler.WaitingRegistrations);
        scheduler.Exit(HashPriority.KnownLogin);
        Assert.True(await login.WaitAsync(Granted));
        scheduler.Exit(HashPriority.KnownLogin);
        Assert.True(await scheduler.TryEnterAsync(HashPriority.Registration, CancellationToken.None));
    }

    [Fact]
    public async Task A_freed_slot_goes_to_known_logins_then_new_clients_then_suspect_logins_then_registrations_and_only_known_logins_take_the_last_slot()
    {
        var scheduler = new HashScheduler(slots: 2, maxWaitingNewClientLogins: 8, maxWaitingSuspectLogins: 8, maxWaitingRegistrations: 8);
        Assert.True(await scheduler.TryEnterAsync(HashPriority.Login, CancellationToken.None));
        // Queued in the reverse of their lane order; the second slot is kept for known logins.
        var registration = scheduler.TryEnterAsync(HashPriority.Registration, CancellationToken.None);
        var suspect = scheduler.TryEnterAsync(HashPriority.SuspectLogin, CancellationToken.None);
        var newClients = Enumerable.Range(0, 2).Select(_ => scheduler.TryEnterAsync(HashPriority.Login, CancellationToken.None)).ToList();
        Assert.All(newClients.Append(suspect).Append(registration), w => Assert.False(w.IsCompleted));

        Assert.True(await scheduler.TryEnterAsync(HashPriority.KnownLogin, CancellationToken.None).WaitAsync(Granted));
        var known = scheduler.TryEnterAsync(HashPriority.KnownLogin, CancellationToken.None);
        scheduler.Exit(HashPriority.Login);
        Assert.True(await known.WaitAsync(Granted)); // a known login arriving last goes first
        Assert.All(newClients.Append(suspect).Append(registration), w => Assert.False(w.IsCompleted));

        // Then one lane after the other, each waiter as the previous holder of the shared slot exits.
        scheduler.Exit(HashPriority.KnownLogin);
        Assert.True(await newClients[0].WaitAsync(Granted));
        scheduler.Exit(HashPriority.KnownLogin); // both known logins done: the free slot is not the shared one's to give
        Assert.All(newClients.Skip(1).Append(suspect).Append(registration), w => Assert.False(w.IsCompleted));
        var holder = HashPriority.Login;
        foreach (var (next, priority) in new[] { (newClients[1], HashPriority.Login), (suspect, HashPriority.SuspectLogin), (registration, HashPriority.Registration) })
        {
            scheduler.Exit(holder);
            Assert.True(await next.WaitAsync(Granted));
            holder = priority;
        }

        Assert.True(await scheduler.TryEnterAsync(HashPriority.KnownLogin, CancellationToken.None).WaitAsync(Granted));
    }

    [Theory]
    [InlineData(HashPriority.Login)]
    [InlineData(HashPriority.SuspectLogin)]
    public async Task New_client_and_suspect_logins_beyond_their_waiting_line_are_refused_at_once_and_known_logins_never(HashPriority lane)
    {
        var scheduler = new HashScheduler(slots: 2, maxWaitingNewClientLogins: lane == HashPriority.Login ? 2 : 8,
            maxWaitingSuspectLogins: lane == HashPriority.SuspectLogin ? 2 : 8, maxWaitingRegistrations: 8);
        Assert.True(await scheduler.TryEnterAsync(lane, CancellationToken.None));
        var waiting = Enumerable.Range(0, 2).Select(_ => scheduler.TryEnterAsync(lane, CancellationToken.None)).ToList();

        Assert.False(await scheduler.TryEnterAsync(lane, CancellationToken.None));
        Assert.Equal(2, lane == HashPriority.Login ? scheduler.WaitingNewClientLogins : scheduler.WaitingSuspectLogins);
        Assert.True(await scheduler.TryEnterAsync(HashPriority.KnownLogin, CancellationToken.None).WaitAsync(Granted));
        var knownLogins = Enumerable.Range(0, 20).Select(_ => scheduler.TryEnterAsync(HashPriority.KnownLogin, CancellationToken.None)).ToList();
        Assert.All(waiting.Concat(knownLogins), w => Assert.False(w.IsCompleted)); // waiting, not refused

        // Every known login before the logins waiting since earlier.
        var holder = lane;
        foreach (var known in knownLogins)
        {
            scheduler.Exit(holder);
            Assert.True(await known.WaitAsync(Granted));
            Assert.All(waiting, w => Assert.False(w.IsCompleted));
            holder = HashPriority.KnownLogin;
        }

        scheduler.Exit(holder);
        Assert.True(await waiting[0].WaitAsync(Granted));
    }
}
