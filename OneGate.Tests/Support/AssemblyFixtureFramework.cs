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
/// beside the shared one.
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

        private IEnumerable<Type> Declared(ITestCollection collection) =>
            ((collection.CollectionDefinition as IReflectionTypeInfo)?.Type.GetInterfaces() ?? [])
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollectionFixture<>))
            .Select(i => i.GenericTypeArguments[0])
            .Where(fixtures.ContainsKey);

        protected override async Task AfterTestAssemblyStartingAsync()
        {
            await base.AfterTestAssemblyStartingAsync();
            var collections = TestCases.Select(c => c.TestMethod.TestClass.TestCollection).DistinctBy(c => c.UniqueID).ToList();
            foreach (var type in collections.SelectMany(Declared))
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
            if (slots is not null)
            {
                await slots.WaitAsync(cancellationTokenSource.Token);
            }

            try
            {
                return await new CollectionRunner(fixtures, DisposeInBackground, testCollection, testCases, DiagnosticMessageSink, messageBus,
                    TestCaseOrderer, new ExceptionAggregator(Aggregator), cancellationTokenSource).RunAsync();
            }
            finally
            {
                Release(testCollection);
                slots?.Release();
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
            // A run cancelled before every user of a fixture ended.
            foreach (var started in fixtures.Values.Where(f => f.IsValueCreated))
            {
                DisposeInBackground(started.Value.DisposeAsync);
            }

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
        Dictionary<Type, Lazy<SharedFixture>> assemblyFixtures, Action<Func<Task>> disposeInBackground, ITestCollection collection,
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
