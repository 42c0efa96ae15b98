namespace OneGate.Auth.Passwords;

/// <summary>
/// The Argon2 slots (each runs one hash and holds its memory) and who gets the next free one. A freed slot goes
/// to the oldest waiting login, else to the oldest waiting registration, so a registration flood never delays a
/// login by more than the hashes already running. Registrations wait in a bounded line; when it is full they are
/// refused at once, so a flood costs neither memory nor an ever-growing wait.
/// </summary>
public sealed class HashScheduler(int slots, int maxWaitingRegistrations)
{
    private readonly Lock gate = new();
    private readonly LinkedList<TaskCompletionSource> logins = new();
    private readonly LinkedList<TaskCompletionSource> registrations = new();
    private int free = slots;

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
                return free > 0 || registrations.Count < maxWaitingRegistrations;
            }
        }
    }

    /// <summary>
    /// Takes a slot, waiting if needed; false when a registration finds the line full. A true answer must be
    /// followed by <see cref="Exit"/>.
    /// </summary>
    public async Task<bool> TryEnterAsync(HashPriority priority, CancellationToken cancellationToken)
    {
        LinkedListNode<TaskCompletionSource> node;
        lock (gate)
        {
            // Someone waits only while every slot is busy, so a free slot means nobody is ahead.
            if (free > 0)
            {
                free--;
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

    /// <summary>Gives the slot to the next waiter (logins first) or frees it.</summary>
    public void Exit()
    {
        TaskCompletionSource? next;
        lock (gate)
        {
            next = TakeFirst(logins) ?? TakeFirst(registrations);
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
