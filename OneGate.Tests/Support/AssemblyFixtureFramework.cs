using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("OneGate.Tests.Support.AssemblyFixtureFramework", "OneGate.Tests")]

namespace OneGate.Tests.Support;

/// <summary>
/// xunit 2 with assembly fixtures: a collection fixture whose type is named by <see cref="AssemblyFixtureAttribute"/>
/// is one instance for every collection that declares it, so several collections can run in parallel on one booted
/// app. It starts when the first test class that takes it runs (a filtered run that needs no app boots none) and is
/// disposed when the last collection of the run that declares it ends, in the background (as are a collection's own
/// fixtures), so one app's stop overlaps the next one's start; the run's end waits for every disposal, and one failing
/// fails the run (xunit reports an assembly cleanup failure against every test). Collections that declare one run
/// before the others, so that an app of a collection's own (run alone, after the parallel ones) never serves tests
/// beside the shared one; such a collection may run beside the alone collection before it
/// (<see cref="RunsBesideTheAloneCollectionAttribute"/>).
/// </summary>
public sealed class AssemblyFixtureFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformation, IMessageSink diagnostics)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformation, diagnostics)
    {
        protected override async void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new AssemblyRunner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }

    private sealed class AssemblyRunner(ITestAssembly assembly, IEnumerable<IXunitTestCase> testCases, IMessageSink diagnostics, IMessageSink execution, ITestFrameworkExecutionOptions options)
        : XunitTestAssemblyRunner(assembly, testCases, diagnostics, execution, options)
    {
        private readonly Dictionary<Type, Lazy<SharedFixture>> fixtures = typeof(AssemblyFixtureFramework).Assembly
            .GetCustomAttributes<AssemblyFixtureAttribute>()
            .ToDictionary(a => a.FixtureType, a => new Lazy<SharedFixture>(() => SharedFixture.Start(a.FixtureType)));

        // Per fixture type, the collections of this run that declare it and have not ended yet.
        private readonly Dictionary<Type, int> users = [];

        // The disposals started while collections still run (an app's stop overlaps the next app's start), each with
        // its own aggregator: xunit clears the assembly's aggregator before its cleanup, so they are reported then.
        private readonly List<(Task Done, ExceptionAggregator Failures)> disposals = [];

        // Overriding RunTestCollectionAsync bypasses xunit's own limit of collections at once (its "conservative"
        // algorithm), so it is kept here: no more collections run at once than maxParallelThreads.
        private SemaphoreSlim? slots;

        // The collections of this run with their cases, and the runs of those marked RunsBesideTheAloneCollection once
        // started (until xunit's turn for them comes).
        private Dictionary<ITestCollection, List<IXunitTestCase>> collections = [];
        private readonly Dictionary<Guid, Task<RunSummary>> runningEarly = [];
        private bool earlyStarts;

        // Each collection's start and end, for balancing the lanes (docs/testing.md).
        private readonly string timesFile = Path.Combine(AppContext.BaseDirectory, "collection-times.txt");
        private readonly System.Diagnostics.Stopwatch sinceStart = System.Diagnostics.Stopwatch.StartNew();
        private readonly Lock timesLock = new();

        /// <summary>The collection's assembly fixtures.</summary>
        private IEnumerable<Type> Declared(ITestCollection collection) => CollectionFixtures(collection).Where(fixtures.ContainsKey);

        /// <summary>The collection's own fixtures (created for it alone).</summary>
        private IEnumerable<Type> Own(ITestCollection collection) => CollectionFixtures(collection).Where(t => !fixtures.ContainsKey(t));

        private static IEnumerable<Type> CollectionFixtures(ITestCollection collection) =>
            ((collection.CollectionDefinition as IReflectionTypeInfo)?.Type.GetInterfaces() ?? [])
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollectionFixture<>))
            .Select(i => i.GenericTypeArguments[0]);

        protected override async Task AfterTestAssemblyStartingAsync()
        {
            await base.AfterTestAssemblyStartingAsync();
            collections = TestCases.GroupBy(c => c.TestMethod.TestClass.TestCollection, TestCollectionComparer.Instance)
                .ToDictionary(g => g.Key, g => g.ToList(), TestCollectionComparer.Instance);
            File.WriteAllText(timesFile, "start (s)\tend (s)\ttests\tcollection\n");
            foreach (var type in collections.Keys.SelectMany(Declared))
            {
                users[type] = users.GetValueOrDefault(type) + 1;
            }

            TestCollectionOrderer = new SharedFixtureUsersFirst(TestCollectionOrderer, c => Declared(c).Any());
        }

        protected override Task<RunSummary> RunTestCollectionsAsync(IMessageBus messageBus, CancellationTokenSource cancellationTokenSource)
        {
            var threads = ExecutionOptions.GetValue<int?>("xunit.execution.MaxParallelThreads") is > 0 and int configured ? configured : Environment.ProcessorCount;
            if (ExecutionOptions.GetValue<string>("xunit.execution.ParallelAlgorithm") != nameof(ParallelAlgorithm.Aggressive))
            {
                slots = new SemaphoreSlim(threads);
            }

            return base.RunTestCollectionsAsync(messageBus, cancellationTokenSource);
        }

        protected override async Task<RunSummary> RunTestCollectionAsync(IMessageBus messageBus, ITestCollection testCollection, IEnumerable<IXunitTestCase> testCases, CancellationTokenSource cancellationTokenSource)
        {
            if (TakeRunningEarly(testCollection) is { } running)
            {
                return await running;
            }

            if (RunsAlone(testCollection))
            {
                StartBesideTheAloneCollection(testCollection, messageBus, cancellationTokenSource);
            }

            return await RunCollectionAsync(messageBus, testCollection, [.. testCases], cancellationTokenSource);
        }

        private async Task<RunSummary> RunCollectionAsync(IMessageBus messageBus, ITestCollection testCollection, List<IXunitTestCase> cases, CancellationTokenSource cancellationTokenSource)
        {
            if (slots is not null)
            {
                await slots.WaitAsync(cancellationTokenSource.Token);
            }

            var started = sinceStart.Elapsed;
            try
            {
                return await new CollectionRunner(fixtures, DisposeInBackground, testCollection, cases, DiagnosticMessageSink, messageBus,
                    TestCaseOrderer, new ExceptionAggregator(Aggregator), cancellationTokenSource).RunAsync();
            }
            finally
            {
                Release(testCollection);
                slots?.Release();
                RecordTimes(testCollection, started, cases.Count);
            }
        }

        private void RecordTimes(ITestCollection collection, TimeSpan started, int tests)
        {
            lock (timesLock)
            {
                File.AppendAllText(timesFile, FormattableString.Invariant(
                    $"{started.TotalSeconds:F0}\t{sinceStart.Elapsed.TotalSeconds:F0}\t{tests}\t{collection.DisplayName}\n"));
            }
        }

        /// <summary>xunit runs these one at a time, after every parallel collection has ended.</summary>
        private static bool RunsAlone(ITestCollection collection) =>
            collection.CollectionDefinition?.GetCustomAttributes(typeof(CollectionDefinitionAttribute)).SingleOrDefault()
                ?.GetNamedArgument<bool>(nameof(CollectionDefinitionAttribute.DisableParallelization)) ?? false;

        /// <summary>
        /// The first collection that runs alone begins: the parallel ones have ended, so the later collections marked
        /// <see cref="RunsBesideTheAloneCollectionAttribute"/> start now (their app's start, then their tests), beside it.
        /// </summary>
        private void StartBesideTheAloneCollection(ITestCollection first, IMessageBus messageBus, CancellationTokenSource cancellation)
        {
            lock (runningEarly)
            {
                if (earlyStarts)
                {
                    return;
                }

                earlyStarts = true;
                foreach (var (collection, cases) in collections.Where(c => c.Key.UniqueID != first.UniqueID
                    && (c.Key.CollectionDefinition?.GetCustomAttributes(typeof(RunsBesideTheAloneCollectionAttribute)).Any() ?? false)))
                {
                    runningEarly[collection.UniqueID] = Task.Run(() => RunCollectionAsync(messageBus, collection, cases, cancellation));
                }
            }
        }

        private Task<RunSummary>? TakeRunningEarly(ITestCollection collection)
        {
            lock (runningEarly)
            {
                return runningEarly.Remove(collection.UniqueID, out var running) ? running : null;
            }
        }

        private void Release(ITestCollection collection)
        {
            foreach (var type in Declared(collection))
            {
                bool last;
                lock (users)
                {
                    last = --users[type] == 0;
                }

                if (last && fixtures[type].IsValueCreated)
                {
                    DisposeInBackground(fixtures[type].Value.DisposeAsync);
                }
            }
        }

        /// <summary>
        /// A stopping app no longer takes part in any test, and its stop is mostly waiting for processes to exit:
        /// the next collection (and its app's start) need not wait for it. The run's end waits for every one.
        /// </summary>
        private void DisposeInBackground(Func<Task> dispose)
        {
            var failures = new ExceptionAggregator();
            lock (disposals)
            {
                disposals.Add((failures.RunAsync(dispose), failures));
            }
        }

        protected override async Task BeforeTestAssemblyFinishedAsync()
        {
            // A run cancelled before every user of a fixture ended (or before a collection took a fixture started early).
            foreach (var started in fixtures.Values.Where(f => f.IsValueCreated))
            {
                DisposeInBackground(started.Value.DisposeAsync);
            }

            // A run cancelled before xunit's turn for a collection that started beside the alone one.
            List<Task<RunSummary>> early;
            lock (runningEarly)
            {
                early = [.. runningEarly.Values];
            }

            // Their failures are reported as their tests'; a cancelled one must not skip the disposals below.
            await Task.WhenAll(early.Select(run => run.ContinueWith(_ => { }, TaskScheduler.Default)));

            List<(Task Done, ExceptionAggregator Failures)> all;
            lock (disposals)
            {
                all = [.. disposals];
            }

            await Task.WhenAll(all.Select(d => d.Done));
            foreach (var (_, failures) in all)
            {
                Aggregator.Aggregate(failures);
            }

            slots?.Dispose();
            await base.BeforeTestAssemblyFinishedAsync();
        }
    }

    private sealed class CollectionRunner(
        Dictionary<Type, Lazy<SharedFixture>> assemblyFixtures, Action<Func<Task>> disposeInBackground,
        ITestCollection collection,
        IEnumerable<IXunitTestCase> testCases, IMessageSink diagnostics, IMessageBus messageBus, ITestCaseOrderer orderer, ExceptionAggregator aggregator,
        CancellationTokenSource cancellation)
        : XunitTestCollectionRunner(collection, testCases, diagnostics, messageBus, orderer, aggregator, cancellation)
    {
        /// <summary>An assembly fixture is not the collection's to create (nor to dispose at its end).</summary>
        protected override void CreateCollectionFixture(Type fixtureType)
        {
            if (!assemblyFixtures.ContainsKey(fixtureType))
            {
                base.CreateCollectionFixture(fixtureType);
            }
        }

        /// <summary>As xunit runs them (one class after another), those marked <see cref="RunsFirstInItsCollectionAttribute"/> first.</summary>
        protected override async Task<RunSummary> RunTestClassesAsync()
        {
            var summary = new RunSummary();
            foreach (var byClass in TestCases.GroupBy(c => c.TestMethod.TestClass, TestClassComparer.Instance)
                .OrderBy(g => ((IReflectionTypeInfo)g.Key.Class).Type.IsDefined(typeof(RunsFirstInItsCollectionAttribute), false) ? 0 : 1))
            {
                summary.Aggregate(await RunTestClassAsync(byClass.Key, (IReflectionTypeInfo)byClass.Key.Class, byClass));
                if (CancellationTokenSource.IsCancellationRequested)
                {
                    break;
                }
            }

            return summary;
        }

        /// <summary>The collection's own fixtures (e.g. an app of its own) are disposed in the background, as shared ones are.</summary>
        protected override Task BeforeTestCollectionFinishedAsync()
        {
            foreach (var fixture in CollectionFixtureMappings.Values)
            {
                switch (fixture)
                {
                    case IAsyncLifetime lifetime:
                        disposeInBackground(lifetime.DisposeAsync);
                        break;
                    case IDisposable disposable:
                        disposeInBackground(() => { disposable.Dispose(); return Task.CompletedTask; });
                        break;
                }
            }

            return Task.CompletedTask;
        }

        protected override async Task<RunSummary> RunTestClassAsync(ITestClass testClass, IReflectionTypeInfo @class, IEnumerable<IXunitTestCase> testCases)
        {
            var classAggregator = new ExceptionAggregator(Aggregator);
            var mappings = new Dictionary<Type, object>(CollectionFixtureMappings);
            var wanted = @class.Type.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.ParameterType)
                .Where(assemblyFixtures.ContainsKey).Distinct().ToList();
            foreach (var type in wanted)
            {
                // A fixture that failed to start fails every test that takes it, with the start's exception.
                var shared = assemblyFixtures[type].Value;
                await classAggregator.RunAsync(async () =>
                {
                    await shared.Started;
                    mappings[type] = shared.Instance;
                });
            }

            return await new XunitTestClassRunner(testClass, @class, testCases, DiagnosticMessageSink, MessageBus, TestCaseOrderer, classAggregator,
                CancellationTokenSource, mappings).RunAsync();
        }
    }

    /// <summary>An assembly fixture and its start; disposed even when the start failed, as xunit does with collection fixtures.</summary>
    private sealed class SharedFixture(object instance, Task started)
    {
        private int disposed;

        public object Instance { get; } = instance;

        public Task Started { get; } = started;

        public static SharedFixture Start(Type type)
        {
            var instance = Activator.CreateInstance(type)!;
            return new SharedFixture(instance, instance is IAsyncLifetime lifetime ? lifetime.InitializeAsync() : Task.CompletedTask);
        }

        public async Task DisposeAsync()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 1)
            {
                return;
            }

            // A failed start was reported by every test that needed the fixture.
            await Started.ContinueWith(_ => { }, TaskScheduler.Default);
            switch (Instance)
            {
                case IAsyncLifetime lifetime:
                    await lifetime.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    /// <summary>The collections that use a shared fixture first, each group in the given order.</summary>
    private sealed class SharedFixtureUsersFirst(ITestCollectionOrderer inner, Func<ITestCollection, bool> usesSharedFixture) : ITestCollectionOrderer
    {
        public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
            inner.OrderTestCollections(testCollections).OrderBy(c => usesSharedFixture(c) ? 0 : 1);
    }
}
