namespace OneGate.Auth.Passwords;

/// <summary>
/// The Argon2 slots (each runs one hash and holds its memory) and who gets the next free one. A freed slot goes
/// to the oldest waiting login, else to the oldest waiting registration; and registrations never hold every slot
/// (with two or more, one is kept for logins), so a registration flood neither delays a login behind its hashes nor
/// takes every core from the logins' own request work. Registrations wait in a bounded line; when it is full they
/// are refused at once, so a flood costs neither memory nor an ever-growing wait.
/// </summary>
public sealed class HashScheduler(int slots, int maxWaitingRegistrations)
{
    private readonly Lock gate = new();
    private readonly LinkedList<TaskCompletionSource> logins = new();
    private readonly LinkedList<TaskCompletionSource> registrations = new();
    private readonly int registrationSlots = Math.Max(1, slots - 1);
    private int free = slots;
    private int runningRegistrations;

    /// <summary>Registrations now waiting for a slot (for tests and metrics).</summary>
    public int WaitingRegistrations
    {
        get
        {
            lock (gate)
            {
                return registrations.Count;
            }
        }
    }

    /// <summary>
    /// Whether a registration arriving now would get a slot or a place in line: a cheap early refusal, before the
    /// request spends Redis and database work (<see cref="TryEnterAsync"/> still decides).
    /// </summary>
    public bool HasRoomForRegistration
    {
        get
        {
            lock (gate)
            {
                return RegistrationMayStart || registrations.Count < maxWaitingRegistrations;
            }
        }
    }

    private bool RegistrationMayStart => free > 0 && runningRegistrations < registrationSlots;

    /// <summary>
    /// Takes a slot, waiting if needed; false when a registration finds the line full. A true answer must be
    /// followed by <see cref="Exit"/> with the same priority.
    /// </summary>
    public async Task<bool> TryEnterAsync(HashPriority priority, CancellationToken cancellationToken)
    {
        LinkedListNode<TaskCompletionSource> node;
        lock (gate)
        {
            // A login waits only while every slot is busy, a registration also while registrations hold their share:
            // a slot it may take now means nobody of its kind is ahead.
            if (priority == HashPriority.Login ? free > 0 : RegistrationMayStart)
            {
                free--;
                runningRegistrations += priority == HashPriority.Registration ? 1 : 0;
                return true;
            }

            var line = priority == HashPriority.Login ? logins : registrations;
            if (priority == HashPriority.Registration && line.Count >= maxWaitingRegistrations)
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

    /// <summary>Gives the slot of a finished hash of <paramref name="priority"/> to the next waiter (logins first) or frees it.</summary>
    public void Exit(HashPriority priority)
    {
        TaskCompletionSource? next;
        lock (gate)
        {
            runningRegistrations -= priority == HashPriority.Registration ? 1 : 0;
            next = TakeFirst(logins);
            if (next is null && runningRegistrations < registrationSlots && TakeFirst(registrations) is { } registration)
            {
                runningRegistrations++;
                next = registration;
            }

            if (next is null)
            {
                free++;
                return;
            }
        }

        next.SetResult();
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
