namespace OneGate.Auth.Passwords;

/// <summary>
/// The Argon2 slots (each runs one hash and holds its memory) and who gets the next free one: the oldest waiting login
/// of a client known to its identifier, else the oldest clean login of a new client, else the oldest suspect login,
/// else the oldest registration (<see cref="HashPriority"/>). Work other than known logins never holds every slot (with
/// two or more, one is kept for known logins), so no flood — of fresh addresses, failing clients or registrations —
/// delays a user logging in from where they logged in before behind its hashes or takes every core from that login's
/// own request work. Every lane but the known one waits in a bounded line; when it is full the newcomer is refused at
/// once, so a flood costs neither memory nor an ever-growing wait.
/// </summary>
public sealed class HashScheduler
{
    private readonly Lock gate = new();
    private readonly LinkedList<TaskCompletionSource>[] lines = [new(), new(), new(), new()];
    private readonly int[] maxWaiting;
    private readonly int[] admitted = new int[4];
    private readonly int sharedSlots;
    private int free;
    private int runningShared;

    /// <param name="slots">Hashes at once.</param>
    /// <param name="maxWaitingNewClientLogins">Clean logins of new clients that may wait; more are refused.</param>
    /// <param name="maxWaitingSuspectLogins">Suspect logins that may wait; more are refused.</param>
    /// <param name="maxWaitingRegistrations">Registrations that may wait; more are refused.</param>
    public HashScheduler(int slots, int maxWaitingNewClientLogins, int maxWaitingSuspectLogins, int maxWaitingRegistrations)
    {
        free = slots;
        sharedSlots = Math.Max(1, slots - 1);
        maxWaiting = [int.MaxValue, maxWaitingNewClientLogins, maxWaitingSuspectLogins, maxWaitingRegistrations];
    }

    /// <summary>Clean logins of new clients now waiting for a slot (for tests and metrics).</summary>
    public int WaitingNewClientLogins => Waiting(HashPriority.Login);

    /// <summary>Registrations now waiting for a slot (for tests and metrics).</summary>
    public int WaitingRegistrations => Waiting(HashPriority.Registration);

    /// <summary>Suspect logins now waiting for a slot (for tests and metrics).</summary>
    public int WaitingSuspectLogins => Waiting(HashPriority.SuspectLogin);

    /// <summary>
    /// Admits work of <paramref name="priority"/> before its request spends Redis and database work: false when as many
    /// are already admitted as may hash and wait in its line (the shared slots plus the line), so a flood is refused
    /// for the price of a lock, and only work that will get a slot or a place in line pays for the round trips (a
    /// check that only looked at the line let every request arriving while the admitted ones were still on their
    /// round trips through, to be refused after them). End each admission with <see cref="Dismiss"/>; meanwhile
    /// <see cref="EnterAdmittedAsync"/> takes a slot without being refused.
    /// </summary>
    public bool TryAdmit(HashPriority priority)
    {
        lock (gate)
        {
            if (admitted[(int)priority] - sharedSlots >= maxWaiting[(int)priority])
            {
                return false;
            }

            admitted[(int)priority]++;
            return true;
        }
    }

    /// <summary>Ends an admission of <see cref="TryAdmit"/> (after its hash, or when the request ended without one).</summary>
    public void Dismiss(HashPriority priority)
    {
        lock (gate)
        {
            admitted[(int)priority]--;
        }
    }

    /// <summary>
    /// Takes a slot, waiting if needed; false when work other than a known login finds its line full. A true answer
    /// must be followed by <see cref="Exit"/> with the same priority.
    /// </summary>
    public Task<bool> TryEnterAsync(HashPriority priority, CancellationToken cancellationToken) =>
        EnterAsync(priority, refuseWhenFull: true, cancellationToken);

    /// <summary>
    /// Takes a slot for admitted work (<see cref="TryAdmit"/>), waiting if needed: admissions bound its line, so it is
    /// never refused. Must be followed by <see cref="Exit"/> with the same priority.
    /// </summary>
    public Task EnterAdmittedAsync(HashPriority priority, CancellationToken cancellationToken) =>
        EnterAsync(priority, refuseWhenFull: false, cancellationToken);

    private async Task<bool> EnterAsync(HashPriority priority, bool refuseWhenFull, CancellationToken cancellationToken)
    {
        LinkedListNode<TaskCompletionSource> node;
        lock (gate)
        {
            if (MayStart(priority))
            {
                free--;
                runningShared += priority == HashPriority.KnownLogin ? 0 : 1;
                return true;
            }

            var line = lines[(int)priority];
            if (refuseWhenFull && line.Count >= maxWaiting[(int)priority])
            {
                return false;
            }

            node = line.AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        await using (cancellationToken.Register(() => Abandon(node, cancellationToken)))
        {
            await node.Value.Task;
        }

        return true;
    }

    /// <summary>Gives the slot of a finished hash of <paramref name="priority"/> to the next waiter in lane order, or frees it.</summary>
    public void Exit(HashPriority priority)
    {
        TaskCompletionSource? next;
        lock (gate)
        {
            runningShared -= priority == HashPriority.KnownLogin ? 0 : 1;
            next = TakeFirst(lines[(int)HashPriority.KnownLogin]);
            if (next is null && runningShared < sharedSlots)
            {
                next = TakeFirst(lines[(int)HashPriority.Login])
                    ?? TakeFirst(lines[(int)HashPriority.SuspectLogin])
                    ?? TakeFirst(lines[(int)HashPriority.Registration]);
                runningShared += next is null ? 0 : 1;
            }

            if (next is null)
            {
                free++;
                return;
            }
        }

        next.SetResult();
    }

    // Whoever waits in a lane got there because no slot it may take was free, and Exit hands such a slot to the
    // lanes in order: a slot it may take now means nobody of its lane or an earlier one is waiting.
    private bool MayStart(HashPriority priority) =>
        free > 0 && (priority == HashPriority.KnownLogin || runningShared < sharedSlots);

    private int Waiting(HashPriority priority)
    {
        lock (gate)
        {
            return lines[(int)priority].Count;
        }
    }

    private static TaskCompletionSource? TakeFirst(LinkedList<TaskCompletionSource> line)
    {
        var first = line.First;
        if (first is null)
        {
            return null;
        }

        line.RemoveFirst();
        return first.Value;
    }

    // A waiter whose request was aborted leaves the line; if Exit handed it the slot first, it keeps it and its
    // caller exits as usual.
    private void Abandon(LinkedListNode<TaskCompletionSource> node, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (node.List is null)
            {
                return;
            }

            node.List.Remove(node);
        }

        node.Value.TrySetCanceled(cancellationToken);
    }
}
